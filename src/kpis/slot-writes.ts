import { addCounters, emptyCounters, type KpiCounters } from '../contracts/kpi';
import type { SlotWrite } from './bucket-store';
import { FINEST, KPI_LEVELS, slotStart } from './levels';

/** One second of one version's counts, as a replica gathered it. */
export interface SecondCounts {
  model: string;
  version: string;
  start: number;
  counters: KpiCounters;
  users: number[];
}

/** Counts held for one slot document, the model it belongs to, and since when they wait to be written. */
export interface ModelSlotWrite {
  model: string;
  write: SlotWrite;
  sinceMs: number;
}

/**
 * How long counts of a coarse slot (any level but the finest) may wait in a replica before they are written, while
 * the slot is still open; a slot that has ended is written at the next flush. Readers use a coarse slot only once it
 * ended COARSE_LAG_MS ago (bucket-store.ts), so they never see one that is still filling.
 */
export const COARSE_HOLD_MS = 5000;

const keyOf = (model: string, w: Pick<SlotWrite, 'level' | 'version' | 'startMs'>) => `${model}|${w.level.name}|${w.version}|${w.startMs}`;

/**
 * Turns seconds of counts into the slot documents of every level that contain them, holding them until they are due:
 * the finest at every flush, a coarse one when its slot has ended or its counts have waited COARSE_HOLD_MS. So a
 * replica writes about one document per version and flush, not one per level. It also remembers how many users each
 * slot has sampled, so a slot's sample stays within its level's `userSample` across flushes.
 */
export function createSlotWriter() {
  const held = new Map<string, ModelSlotWrite>();
  const sampled = new Map<string, { endMs: number; n: number }>();

  return {
    hold(seconds: Iterable<SecondCounts>, nowMs: number): void {
      for (const [key, s] of sampled) if (s.endMs <= nowMs && !held.has(key)) sampled.delete(key);
      for (const sec of seconds) {
        for (const level of KPI_LEVELS) {
          const startMs = slotStart(level, sec.start);
          const key = keyOf(sec.model, { level, version: sec.version, startMs });
          let entry = held.get(key);
          if (!entry) held.set(key, (entry = { model: sec.model, sinceMs: nowMs, write: { level, startMs, version: sec.version, counters: emptyCounters(), users: [] } }));
          addCounters(entry.write.counters, sec.counters);
          const count = sampled.get(key) ?? { endMs: startMs + level.ms, n: 0 };
          const take = sec.users.slice(0, Math.max(0, level.userSample - count.n));
          entry.write.users.push(...take);
          count.n += take.length;
          sampled.set(key, count);
        }
      }
    },

    /** The held writes due at `nowMs` (every one when `all`), finest first. */
    due(nowMs: number, all = false): ModelSlotWrite[] {
      const ready = (w: ModelSlotWrite) => all || w.write.level === FINEST || w.write.startMs + w.write.level.ms <= nowMs || w.sinceMs + COARSE_HOLD_MS <= nowMs;
      return [...held.values()].filter(ready).sort((a, b) => a.write.level.ms - b.write.level.ms);
    },

    /** Forgets a write once it has landed. */
    written(w: ModelSlotWrite): void {
      held.delete(keyOf(w.model, w.write));
    },

  };
}
