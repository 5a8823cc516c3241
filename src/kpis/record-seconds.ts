import type { Db } from 'mongodb';
import { createKpiBucketStore } from './bucket-store';
import { expiredAt } from './levels';
import { createSlotWriter, type SecondCounts } from './slot-writes';

/**
 * Writes seconds of counts as one gateway replica would (its writer entry first, then every level's slots), at once:
 * how history is loaded for benchmarks and tests without serving it request by request. Given `nowMs`, slots that
 * retention would have dropped by then are left out, as a store that has aged would not hold them.
 */
export async function recordSeconds(db: Db, replica: string, seconds: SecondCounts[], nowMs = -Infinity): Promise<number> {
  const store = createKpiBucketStore(db);
  const slots = createSlotWriter();
  slots.hold(seconds, 0);
  const writes = slots.due(0, true).filter((w) => !expiredAt(w.write.level, w.write.startMs, nowMs));
  const spans = new Map<string, { first: number; last: number }>();
  for (const s of seconds) {
    const span = spans.get(s.model);
    spans.set(s.model, { first: Math.min(span?.first ?? s.start, s.start), last: Math.max(span?.last ?? s.start, s.start) });
  }
  for (const [model, { first, last }] of spans) await store.writers.register(model, replica, first, last);
  for (const { model, write } of writes) await store.add(model, replica, write);
  return writes.length;
}
