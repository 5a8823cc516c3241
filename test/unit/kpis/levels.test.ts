import { collectionName, KPI_LEVELS, parseCollectionName, partitionEndMs, partitionKey, partitionStartMs, slotsCovering } from '../../../src/kpis/levels';
import { mulberry32 } from '../../../src/models/prng';

const at = (iso: string) => Date.parse(iso);

describe('KPI levels', () => {
  it('nest: every level is a whole number of the finer one', () => {
    for (let i = 1; i < KPI_LEVELS.length; i++) expect(KPI_LEVELS[i].ms % KPI_LEVELS[i - 1].ms).toBe(0);
  });

  it('tile any range of seconds exactly once, whatever its length', () => {
    const rand = mulberry32(26);
    for (let trial = 0; trial < 300; trial++) {
      const from = at('2026-01-01T00:00:00Z') + Math.floor(rand() * 400 * 86_400_000);
      const to = from + Math.floor(rand() ** 3 * 40 * 86_400_000);
      const slots = slotsCovering(from, to);
      let cursor = Math.floor(from / 1000) * 1000;
      for (const s of slots) {
        expect(s.startMs).toBe(cursor);
        expect(s.startMs % s.level.ms).toBe(0);
        cursor += s.level.ms;
      }
      expect(cursor).toBe(Math.max(Math.floor(from / 1000) * 1000, Math.ceil(to / 1000) * 1000));
      // Bounded by the levels, not the range: the edges plus one slot per whole day.
      expect(slots.length).toBeLessThanOrEqual(2 * (9 + 5 + 9 + 5 + 23) + Math.ceil((to - from) / 86_400_000));
    }
  });

  it('count a second when it starts before the end of the range', () => {
    expect(slotsCovering(1500, 3000).map((s) => s.startMs)).toEqual([1000, 2000]);
    expect(slotsCovering(1500, 3001).map((s) => s.startMs)).toEqual([1000, 2000, 3000]);
    expect(slotsCovering(5000, 5000)).toEqual([]);
  });

  it('read a year as a few hundred slots', () => {
    const slots = slotsCovering(at('2025-12-07T10:15:37.400Z'), at('2026-12-07T10:15:37.400Z'));
    expect(slots.filter((s) => s.level.name === '1d')).toHaveLength(364);
    expect(slots.length).toBeLessThan(420);
  });

  it('name partitions by UTC time and read the names back', () => {
    const t = at('2026-12-07T09:59:59.999Z');
    const names = KPI_LEVELS.map((l) => collectionName('movies-als', l, t));
    expect(names).toEqual(['kpi.movies-als.1s.2026120709', 'kpi.movies-als.10s.20261207', 'kpi.movies-als.1m.20261207', 'kpi.movies-als.10m.202612', 'kpi.movies-als.1h.2026', 'kpi.movies-als.1d']);
    for (const [i, level] of KPI_LEVELS.entries()) {
      const parsed = parseCollectionName(names[i])!;
      expect(parsed.model).toBe('movies-als');
      expect(parsed.level).toBe(level);
      expect(parsed.partition).toBe(partitionKey(level, t));
    }
    expect(parseCollectionName('kpi_buckets')).toBeNull();
    expect(parseCollectionName('kpi.m.2s.20261207')).toBeNull();
  });

  it('know when each partition starts and ends', () => {
    const t = at('2026-12-31T23:30:00Z');
    const ends = KPI_LEVELS.map((l) => partitionEndMs(l, t));
    expect(ends).toEqual([at('2027-01-01T00:00:00Z'), at('2027-01-01T00:00:00Z'), at('2027-01-01T00:00:00Z'), at('2027-01-01T00:00:00Z'), at('2027-01-01T00:00:00Z'), null]);
    expect(KPI_LEVELS.map((l) => partitionStartMs(l, partitionKey(l, t)))).toEqual([at('2026-12-31T23:00:00Z'), at('2026-12-31T00:00:00Z'), at('2026-12-31T00:00:00Z'), at('2026-12-01T00:00:00Z'), at('2026-01-01T00:00:00Z'), at('1970-01-01T00:00:00Z')]);
    expect(partitionStartMs(KPI_LEVELS[0], '2026')).toBeNull();
  });
});

describe('reading where retention has dropped the finer levels', () => {
  it('reads an old edge at the finest level still kept, whole, and the recent past exactly', () => {
    const now = at('2026-12-07T12:00:00Z');
    const from = at('2026-12-06T11:59:53.500Z');
    const slots = slotsCovering(from, now, now, now);
    expect(slots[0]).toMatchObject({ level: { name: '10s' }, startMs: at('2026-12-06T11:59:50Z') });
    expect(slots.at(-1)!.startMs + slots.at(-1)!.level.ms).toBe(now);
    for (let i = 1; i < slots.length; i++) expect(slots[i].startMs).toBe(slots[i - 1].startMs + slots[i - 1].level.ms);
    // Nothing read lies in a partition retention has dropped.
    for (const s of slots) expect(s.level.retentionMs === null || (partitionEndMs(s.level, s.startMs) ?? 0) + s.level.retentionMs > now).toBe(true);
  });
});
