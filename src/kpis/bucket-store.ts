import type { Db } from 'mongodb';
import { addCounters, emptyCounters, type KpiCounters } from '../contracts/kpi';
import { countersOf, incrementsOf, type StoredBucket } from './bucket-codec';
import { collectionName, slotId, slotsCovering, type KpiLevel } from './levels';
import { createKpiWriters } from './writers';

/** One replica's counts of one version over one slot of one level, as the gateway adds them. */
export interface SlotWrite {
  level: KpiLevel;
  startMs: number;
  version: string;
  counters: KpiCounters;
  /** Users to add to the slot's sample; the writer keeps it within the level's `userSample`. */
  users: number[];
}

/** A version's KPIs over a time range: counts summed over replicas and slots, and the users the slots sampled. */
export interface KpiSum {
  counters: KpiCounters;
  users: number[];
}

/**
 * How long after a coarse slot ends readers wait before they use it instead of its seconds: a replica writes a slot
 * that ended at its next flush, and the database may be slow; before then the seconds are complete and the slot may
 * not be.
 */
export const COARSE_LAG_MS = 15_000;

/** Reads at once per range; enough to hide the round trips, few enough not to crowd out the gateways' writes. */
const READ_CONCURRENCY = 16;

async function eachLimited<T>(items: T[], limit: number, run: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) await run(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}

/**
 * The KPI store: gateway replicas add counts into per-replica slot documents of every level (levels.ts), and readers
 * sum any time range from a bounded number of `_id` reads, whatever the history stored. `_id` equality is the one
 * filter FerretDB 1.x hands to its backend; anything else would read every document of the collection.
 */
export function createKpiBucketStore(db: Db, now: () => number = Date.now) {
  const writers = createKpiWriters(db);

  async function readSlot(model: string, version: string, replica: string, level: KpiLevel, startMs: number): Promise<StoredBucket | null> {
    return db.collection<StoredBucket>(collectionName(model, level, startMs)).findOne({ _id: slotId(version, replica, startMs) });
  }

  /** The sums of one version over each range, from the replicas that wrote the model's KPIs at the time. */
  async function sums(model: string, version: string, ranges: { fromMs: number; toMs: number }[]): Promise<KpiSum[]> {
    if (ranges.length === 0) return [];
    const span = { from: Math.min(...ranges.map((r) => r.fromMs)), to: Math.max(...ranges.map((r) => r.toMs)) };
    const replicas = await writers.active(model, span.from, span.to);
    const out = ranges.map(() => ({ counters: emptyCounters(), users: [] as number[] }));
    const nowMs = now();
    const reads = ranges.flatMap((r, i) => slotsCovering(r.fromMs, r.toMs, nowMs - COARSE_LAG_MS, nowMs).flatMap((slot) => replicas.map((replica) => ({ i, slot, replica }))));
    await eachLimited(reads, READ_CONCURRENCY, async ({ i, slot, replica }) => {
      const doc = await readSlot(model, version, replica, slot.level, slot.startMs);
      if (!doc) return;
      addCounters(out[i]!.counters, countersOf(doc));
      if (doc.users) out[i]!.users.push(...doc.users);
    });
    return out;
  }

  return {
    writers,

    /**
     * Adds counts into one slot document, creating it on its first write. One document per call: when a write fails
     * in a way that leaves unknown whether it landed, at most this one is in doubt.
     */
    async add(model: string, replica: string, w: SlotWrite): Promise<void> {
      await db.collection<StoredBucket>(collectionName(model, w.level, w.startMs)).updateOne(
        { _id: slotId(w.version, replica, w.startMs) },
        {
          $inc: incrementsOf(w.counters),
          ...(w.users.length ? { $push: { users: { $each: w.users } } } : {}),
          $setOnInsert: { version: w.version, replica, level: w.level.name, start: new Date(w.startMs) },
        },
        { upsert: true },
      );
    },

    sums,

    /** One version's KPIs over the seconds starting in [fromMs, toMs). */
    sum: async (model: string, version: string, fromMs: number, toMs: number): Promise<KpiSum> => (await sums(model, version, [{ fromMs, toMs }]))[0]!,
  };
}

export type KpiBucketStore = ReturnType<typeof createKpiBucketStore>;
