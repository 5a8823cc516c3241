import { MongoBulkWriteError, type Db } from 'mongodb';
import { isDuplicateKeyError } from '../db/duplicate-key';
import { lastNumbered, readAllNumbered } from '../db/numbered-list';
import type { StoredAuditEvent } from './schemas';

export const AUDIT_POSITIONS = 'audit_positions';

/**
 * Where events sit, addressed by `_id` so that finding them never scans the log (docs/storage.md):
 * - `g<globalSeq>`: the event at that place of the global chain;
 * - `c|<pipelineId>|<seq>`: the event at that place of its pipeline's chain;
 * - `v|<model>@<version>|<k>`: the kth event appended about that model version, in any chain;
 * They are derived from the events and written after them; the events and their unique indexes stay the truth.
 */
export interface PositionDoc {
  _id: string;
  eventId: string;
  /** The event's hash in the chain the position belongs to (global or pipeline); absent for subjects. */
  hash?: string;
  seq?: number;
}

export const globalKey = (seq: number) => `g${seq}`;
export const chainKey = (pipelineId: string, seq: number) => `c|${pipelineId}|${seq}`;
export const subjectKey = (model: string, version: string, k: number) => `v|${model}@${version}|${k}`;

export function positions(db: Db) {
  return db.collection<PositionDoc>(AUDIT_POSITIONS);
}

/** Inserts position documents, leaving any already stored alone; returns the ids that were taken already. */
async function insertNew(db: Db, docs: PositionDoc[]): Promise<Set<string>> {
  const taken = new Set<string>();
  if (docs.length === 0) return taken;
  try {
    await positions(db).insertMany(docs, { ordered: false });
  } catch (error) {
    const writeErrors = error instanceof MongoBulkWriteError ? [error.writeErrors].flat() : [error];
    if (!writeErrors.every((e) => isDuplicateKeyError(e))) throw error;
    for (const e of writeErrors) {
      const index = (e as { index?: number }).index;
      if (index !== undefined) taken.add(docs[index]!._id);
    }
  }
  return taken;
}

/** The global and pipeline places of stored events. A place already recorded holds the same event: places are unique. */
export async function recordPlaces(db: Db, events: StoredAuditEvent[]): Promise<void> {
  await insertNew(
    db,
    events.flatMap((e) => [
      { _id: globalKey(e.globalSeq), eventId: e._id, hash: e.globalHash, seq: e.globalSeq },
      { _id: chainKey(e.pipelineId, e.seq), eventId: e._id, hash: e.hash, seq: e.seq },
    ]),
  );
}

/**
 * Records events about model versions in the per-version lists, each at the first free place from where this process
 * last saw the list end. A retried event may be listed twice; readers drop repeats.
 */
export class SubjectIndex {
  private readonly next = new Map<string, number>();

  constructor(private readonly db: Db) {}

  /** Lists an event found already stored (a retried append) unless it is listed: its writer may have stopped first. */
  async ensure(event: StoredAuditEvent): Promise<void> {
    const { model, version } = event.subject;
    if (version && !(await eventsAbout(this.db, model, version)).includes(event._id)) await this.record([event]);
  }

  async record(events: StoredAuditEvent[]): Promise<void> {
    const lists = new Map<string, { model: string; version: string; ids: string[] }>();
    for (const e of events) {
      const { model, version } = e.subject;
      if (!version) continue;
      const list = lists.get(`${model}@${version}`) ?? { model, version, ids: [] };
      list.ids.push(e._id);
      lists.set(`${model}@${version}`, list);
    }
    await Promise.all([...lists].map(([name, list]) => this.place(name, list)));
  }

  /** Lists a batch's events about one version at the end of its list: one read and one ordered insert, unless raced. */
  private async place(name: string, { model, version, ids }: { model: string; version: string; ids: string[] }): Promise<void> {
    const key = (n: number) => subjectKey(model, version, n - 1);
    let known = this.next.get(name) ?? 0;
    for (let waiting = ids; waiting.length > 0; ) {
      const end = (await lastNumbered(positions(this.db), key, known)).n;
      const placed = await insertInOrder(this.db, waiting.map((eventId, i) => ({ _id: key(end + 1 + i), eventId })));
      known = end + placed;
      waiting = waiting.slice(placed);
    }
    this.next.set(name, known);
  }
}

/** Inserts in order up to the first place another writer took; returns how many were inserted. */
async function insertInOrder(db: Db, docs: PositionDoc[]): Promise<number> {
  try {
    await positions(db).insertMany(docs, { ordered: true });
    return docs.length;
  } catch (error) {
    const first = error instanceof MongoBulkWriteError ? [error.writeErrors].flat()[0] : error;
    if (!first || !isDuplicateKeyError(first)) throw error;
    return (first as { index?: number }).index ?? 0;
  }
}

/** The ids of every event about a model version, in the order they were listed, each once. */
export async function eventsAbout(db: Db, model: string, version: string): Promise<string[]> {
  const listed = await readAllNumbered(positions(db), (k) => subjectKey(model, version, k - 1), 0);
  return [...new Set(listed.map((p) => p.eventId))];
}

/**
 * Records the places of a log written before places were kept: once, when the log has events and its first has no
 * place. A scan, at start-up only.
 */
export async function backfillPositions(db: Db, events: AsyncIterable<StoredAuditEvent>): Promise<number> {
  if (await positions(db).findOne({ _id: globalKey(1) })) return 0;
  const subjects = new SubjectIndex(db);
  let batch: StoredAuditEvent[] = [];
  let count = 0;
  const flush = async () => {
    await recordPlaces(db, batch);
    await subjects.record(batch);
    count += batch.length;
    batch = [];
  };
  for await (const e of events) {
    batch.push(e);
    if (batch.length === 500) await flush();
  }
  await flush();
  return count;
}
