/**
 * The resolutions KPI counts are kept at. A gateway replica adds each second's counts into one document per level, so
 * a read of any time range sums a bounded number of documents: whole days in the middle, finer slots only at its two
 * edges. Each level lives in collections partitioned by time, so retention drops whole partitions and never scans.
 */
export interface KpiLevel {
  name: '1s' | '10s' | '1m' | '10m' | '1h' | '1d';
  ms: number;
  /** How long one partition (collection) of this level spans. */
  partition: 'hour' | 'day' | 'month' | 'year' | 'none';
  /** A partition is dropped once it ended longer ago than this; null keeps it. */
  retentionMs: number | null;
  /** Users sampled per document: the first requesting users of the slot. */
  userSample: number;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Finest first. Each level's length divides the next one's, so slots of all levels nest. */
export const KPI_LEVELS: readonly KpiLevel[] = [
  { name: '1s', ms: 1000, partition: 'hour', retentionMs: 3 * HOUR, userSample: 50 },
  { name: '10s', ms: 10_000, partition: 'day', retentionMs: 2 * DAY, userSample: 100 },
  { name: '1m', ms: 60_000, partition: 'day', retentionMs: 8 * DAY, userSample: 200 },
  { name: '10m', ms: 600_000, partition: 'month', retentionMs: 62 * DAY, userSample: 200 },
  { name: '1h', ms: HOUR, partition: 'year', retentionMs: 400 * DAY, userSample: 200 },
  { name: '1d', ms: DAY, partition: 'none', retentionMs: null, userSample: 200 },
];

export const FINEST = KPI_LEVELS[0];

/** One slot of one level: the document a replica adds into and a reader fetches by `_id`. */
export interface Slot {
  level: KpiLevel;
  startMs: number;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** The partition a slot start falls in, as it appears in the collection name; '' for an unpartitioned level. */
export function partitionKey(level: KpiLevel, startMs: number): string {
  const d = new Date(startMs);
  const [y, m, day, h] = [d.getUTCFullYear(), pad(d.getUTCMonth() + 1), pad(d.getUTCDate()), pad(d.getUTCHours())];
  switch (level.partition) {
    case 'hour':
      return `${y}${m}${day}${h}`;
    case 'day':
      return `${y}${m}${day}`;
    case 'month':
      return `${y}${m}`;
    case 'year':
      return `${y}`;
    case 'none':
      return '';
  }
}

/** When the partition a slot falls in ends (ms), or null for an unpartitioned level. */
export function partitionEndMs(level: KpiLevel, startMs: number): number | null {
  const d = new Date(startMs);
  const [y, m, day, h] = [d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), d.getUTCHours()];
  switch (level.partition) {
    case 'hour':
      return Date.UTC(y, m, day, h + 1);
    case 'day':
      return Date.UTC(y, m, day + 1);
    case 'month':
      return Date.UTC(y, m + 1, 1);
    case 'year':
      return Date.UTC(y + 1, 0, 1);
    case 'none':
      return null;
  }
}

/** When a partition named by `partitionKey` began, or null for a name that is not one. */
export function partitionStartMs(level: KpiLevel, key: string): number | null {
  const lengths = { hour: 10, day: 8, month: 6, year: 4, none: 0 } as const;
  if (key.length !== lengths[level.partition] || !/^\d*$/.test(key)) return null;
  const part = (from: number, to: number, fallback: number) => (key.length >= to ? Number(key.slice(from, to)) : fallback);
  return Date.UTC(part(0, 4, 1970), part(4, 6, 1) - 1, part(6, 8, 1), part(8, 10, 0));
}

/** Whether retention has dropped (or will drop at its next run) the partition holding this slot at `nowMs`. */
export function expiredAt(level: KpiLevel, startMs: number, nowMs: number): boolean {
  const end = partitionEndMs(level, startMs);
  return level.retentionMs !== null && end !== null && end + level.retentionMs <= nowMs;
}

const COLLECTION_PREFIX = 'kpi.';

/** Every model has its own KPI collections: `kpi.<model>.<level>[.<partition>]`. */
export function collectionName(model: string, level: KpiLevel, startMs: number): string {
  const key = partitionKey(level, startMs);
  return `${COLLECTION_PREFIX}${model}.${level.name}${key ? `.${key}` : ''}`;
}

/** The model, level and partition a KPI collection holds, or null for any other collection. */
export function parseCollectionName(name: string): { model: string; level: KpiLevel; partition: string } | null {
  if (!name.startsWith(COLLECTION_PREFIX)) return null;
  const [model, levelName, partition = '', ...rest] = name.slice(COLLECTION_PREFIX.length).split('.');
  const level = KPI_LEVELS.find((l) => l.name === levelName);
  if (!model || !level || rest.length > 0) return null;
  return { model, level, partition };
}

/** A version's slot written by one replica. Model names and versions cannot hold '|'. */
export const slotId = (version: string, replica: string, startMs: number) => `${version}|${replica}|${startMs}`;

/** The start of the slot of `level` that contains `ms`. */
export const slotStart = (level: KpiLevel, ms: number) => Math.floor(ms / level.ms) * level.ms;

/**
 * The fewest slots that exactly tile the seconds starting in [fromMs, toMs): `fromMs` is taken from the start of its
 * second, and a second counts when it starts before `toMs`. Coarse slots fill the middle, finer ones the edges, so
 * the count is bounded by the levels (at most 2 × (9 + 5 + 9 + 5 + 23) plus one per whole day), never by the data.
 * A coarse slot is used only when it ends by `coarseUntilMs`: replicas write coarse slots a little later than the
 * finest (slot-writes.ts), so the recent past is read second by second. Where retention has dropped the finer levels
 * by `nowMs`, an edge is read at the finest level still kept, its slot taken whole: a little more than asked.
 */
export function slotsCovering(fromMs: number, toMs: number, coarseUntilMs = Infinity, nowMs = -Infinity): Slot[] {
  let t = slotStart(FINEST, fromMs);
  const end = Math.ceil(toMs / FINEST.ms) * FINEST.ms;
  const out: Slot[] = [];
  while (t < end) {
    let level: KpiLevel | null = null;
    for (const l of KPI_LEVELS) if (t % l.ms === 0 && t + l.ms <= end && t + l.ms <= coarseUntilMs && !expiredAt(l, t, nowMs)) level = l;
    if (!level) {
      const kept = KPI_LEVELS.find((l) => !expiredAt(l, slotStart(l, t), nowMs))!;
      out.push({ level: kept, startMs: slotStart(kept, t) });
      t = slotStart(kept, t) + kept.ms;
      continue;
    }
    out.push({ level, startMs: t });
    t += level.ms;
  }
  return out;
}
