import type { Db } from 'mongodb';
import { isDuplicateKeyError } from '../db/duplicate-key';
import { readNumbered } from '../db/numbered-list';

export const KPI_WRITERS = 'kpi_writers';

/**
 * A replica that has written KPIs of a model. Readers fetch slots by `_id`, which names the replica, so they must
 * know every replica that may have written; each registers itself once per model before its first write.
 */
export interface KpiWriterDoc {
  /** `<model>|<n>`: the nth replica to write this model's KPIs. Numbered so readers list them by `_id` alone. */
  _id: string;
  model: string;
  replica: string;
  firstMs: number;
  /** Raised by the replica itself (its own document, so never contended) at most once per TOUCH_MS. */
  lastMs: number;
}

/** How often a replica raises its `lastMs`; readers allow for that much lag. */
export const TOUCH_MS = 60_000;

const writerId = (model: string, n: number) => `${model}|${n}`;

/**
 * The registry of KPI writers. Registration inserts `<model>|0`, `|1`, ... until an insert succeeds: an insert is
 * atomic on the unique `_id`, where FerretDB's read-modify-write updates of one shared list could lose a replica.
 */
export function createKpiWriters(db: Db) {
  const writers = db.collection<KpiWriterDoc>(KPI_WRITERS);

  /** Every writer of the model, in registration order: one `_id` read each, and one that misses. */
  const list = (model: string): Promise<KpiWriterDoc[]> => readNumbered(writers, (n) => writerId(model, n - 1), 0);

  return {
    list,

    /** The replica's entry for the model, made on its first call with the span it writes so far; returns its `_id`. */
    async register(model: string, replica: string, firstMs: number, lastMs = firstMs): Promise<string> {
      for (let n = 0; ; n++) {
        const id = writerId(model, n);
        const doc = await writers.findOne({ _id: id });
        if (doc?.replica === replica) {
          if (lastMs > doc.lastMs) await writers.updateOne({ _id: id }, { $max: { lastMs } });
          return id;
        }
        if (doc) continue;
        try {
          await writers.insertOne({ _id: id, model, replica, firstMs, lastMs });
          return id;
        } catch (err) {
          if (!isDuplicateKeyError(err)) throw err;
          n--; // another replica took this number first: read whose it is
        }
      }
    },

    touch: async (id: string, nowMs: number) => {
      await writers.updateOne({ _id: id }, { $max: { lastMs: nowMs } });
    },

    /** Writers that may have written seconds in [fromMs, toMs). */
    async active(model: string, fromMs: number, toMs: number): Promise<string[]> {
      return (await list(model)).filter((w) => w.firstMs < toMs + TOUCH_MS && w.lastMs + 2 * TOUCH_MS >= fromMs).map((w) => w.replica);
    },
  };
}

export type KpiWriters = ReturnType<typeof createKpiWriters>;
