import { emptyCounters } from '../../../src/contracts/kpi';
import { COARSE_HOLD_MS, createSlotWriter, type SecondCounts } from '../../../src/kpis/slot-writes';

const second = (start: number, requests: number, users: number[] = []): SecondCounts => ({ model: 'm', version: '1.0.0', start, counters: { ...emptyCounters(), requests }, users });

describe('slot writes', () => {
  it('add each second into one slot of every level, summing seconds that share a slot', () => {
    const slots = createSlotWriter();
    slots.hold([second(60_000, 3), second(61_000, 4), second(120_000, 5)], 0);
    const writes = slots.due(0, true);
    const byLevel = (name: string) => writes.filter((w) => w.write.level.name === name).map((w) => [w.write.startMs, w.write.counters.requests]);
    expect(byLevel('1s')).toEqual([[60_000, 3], [61_000, 4], [120_000, 5]]);
    expect(byLevel('10s')).toEqual([[60_000, 7], [120_000, 5]]);
    expect(byLevel('1m')).toEqual([[60_000, 7], [120_000, 5]]);
    expect(byLevel('10m')).toEqual([[0, 12]]);
    expect(byLevel('1d')).toEqual([[0, 12]]);
  });

  it('write the seconds at once, and a coarse slot once it has ended or waited long enough', () => {
    const slots = createSlotWriter();
    const flush = (nowMs: number) => {
      const due = slots.due(nowMs);
      due.forEach((w) => slots.written(w));
      return due.map((w) => `${w.write.level.name}@${w.write.startMs / 1000}:${w.write.counters.requests}`);
    };
    slots.hold([second(3000, 1)], 3500);
    expect(flush(3500)).toEqual(['1s@3:1']);
    slots.hold([second(9000, 2)], 9500);
    expect(flush(9500)).toEqual(['1s@9:2', '10s@0:3', '1m@0:3', '10m@0:3', '1h@0:3', '1d@0:3']);
    slots.hold([second(10_000, 4)], 10_500);
    expect(flush(10_500)).toEqual(['1s@10:4']);
    expect(flush(10_500 + COARSE_HOLD_MS)).toEqual(['10s@10:4', '1m@0:4', '10m@0:4', '1h@0:4', '1d@0:4']);
    slots.hold([second(19_000, 8)], 19_100);
    expect(flush(20_100)).toEqual(['1s@19:8', '10s@10:8']);
  });

  it('keep what did not land, adding later counts of the same slot to it', () => {
    const slots = createSlotWriter();
    slots.hold([second(0, 2, [1])], 0);
    slots.hold([second(0, 5, [2])], 500);
    const finest = slots.due(500).find((w) => w.write.level.name === '1s')!;
    expect(finest.write.counters.requests).toBe(7);
    expect(finest.write.users).toEqual([1, 2]);
  });

  it('keep each slot sample within its level, across flushes', () => {
    const slots = createSlotWriter();
    const sampled = new Map<string, number>();
    for (let s = 0; s < 10; s++) {
      slots.hold([second(s * 1000, 50, Array.from({ length: 50 }, (_, i) => s * 100 + i))], s * 1000);
      for (const w of slots.due(s * 1000, true)) {
        sampled.set(w.write.level.name, (sampled.get(w.write.level.name) ?? 0) + w.write.users.length);
        slots.written(w);
      }
    }
    expect(Object.fromEntries(sampled)).toEqual({ '1s': 500, '10s': 100, '1m': 200, '10m': 200, '1h': 200, '1d': 200 });
  });
});
