/**
 * KPI buckets are the contract between the gateway (writer) and monitoring (reader): one document per replica, version
 * and slot of each level, in the model's own collections (src/kpis/levels.ts).
 */
export const KPI_BUCKET_MS = 1000;

/**
 * Users are spread over this many shards by a hash of their id, independent of the routing hash. Every user falls in
 * one shard, so the shards' sums are independent even when a user's requests are not: the judge estimates variances
 * from them (docs/verdicts.md).
 */
export const KPI_SHARDS = 32;

/** Upper bounds in ms of the latency histogram; the last bucket is open-ended. */
export const LATENCY_BOUNDS_MS = [0.25, 0.5, 1, 2, 3, 5, 7.5, 10, 15, 20, 30, 50, 75, 100, 150, 250, 500, 1000, 2500, 5000];

export interface KpiCounters {
  requests: number;
  errors: number;
  fallbacks: number;
  /** Counts per LATENCY_BOUNDS_MS bucket, plus one overflow bucket. */
  latency: number[];
  /**
   * The same histogram over the requests the version ranked itself, leaving out the gateway's cache hits: a cache is
   * warm for the version that served before and cold for a newcomer, so only these compare two versions fairly.
   */
  uncachedLatency: number[];
  latencySumMs: number;
  feedback: number;
  successes: number;
  shadowRequests: number;
  shadowErrors: number;
  /** Sum over shadowed requests of overlap@K with what the user was actually served. */
  shadowOverlapSum: number;
  /** Per user shard (KPI_SHARDS entries): served requests, their errors and successes. */
  shardRequests: number[];
  shardErrors: number[];
  shardSuccesses: number[];
  /** Per user shard: shadowed requests, shadow errors and summed overlap. */
  shardShadowRequests: number[];
  shardShadowErrors: number[];
  shardShadowOverlap: number[];
}

/** The counters held per user shard, stored like the latency histogram. */
export const SHARD_FIELDS = ['shardRequests', 'shardErrors', 'shardSuccesses', 'shardShadowRequests', 'shardShadowErrors', 'shardShadowOverlap'] as const;
export type ShardField = (typeof SHARD_FIELDS)[number];
/** Every array-valued counter. */
export const ARRAY_FIELDS = ['latency', 'uncachedLatency', ...SHARD_FIELDS] as const;

export interface KpiBucketDoc extends KpiCounters {
  /** `<version>|<replica>|<slot start ms>`: readers fetch it by `_id` alone. */
  _id: string;
  version: string;
  /** Each replica writes its own buckets; a version's KPIs for a slot are the sum over replicas. */
  replica: string;
  /** The level's name, e.g. `1s` or `1h`. */
  level: string;
  start: Date;
  /** The first requesting users of the slot, at most the level's `userSample`. */
  users?: number[];
}

export function emptyCounters(): KpiCounters {
  return {
    requests: 0,
    errors: 0,
    fallbacks: 0,
    latency: new Array(LATENCY_BOUNDS_MS.length + 1).fill(0),
    uncachedLatency: new Array(LATENCY_BOUNDS_MS.length + 1).fill(0),
    latencySumMs: 0,
    feedback: 0,
    successes: 0,
    shadowRequests: 0,
    shadowErrors: 0,
    shadowOverlapSum: 0,
    shardRequests: new Array(KPI_SHARDS).fill(0),
    shardErrors: new Array(KPI_SHARDS).fill(0),
    shardSuccesses: new Array(KPI_SHARDS).fill(0),
    shardShadowRequests: new Array(KPI_SHARDS).fill(0),
    shardShadowErrors: new Array(KPI_SHARDS).fill(0),
    shardShadowOverlap: new Array(KPI_SHARDS).fill(0),
  };
}

export function latencyBucketIndex(ms: number): number {
  for (let i = 0; i < LATENCY_BOUNDS_MS.length; i++) if (ms <= LATENCY_BOUNDS_MS[i]) return i;
  return LATENCY_BOUNDS_MS.length;
}

/** The latency below which a share q of requests fell, interpolated inside its histogram bucket. */
export function latencyQuantile(hist: number[], q: number): number | null {
  const total = hist.reduce((a, b) => a + b, 0);
  if (total === 0) return null;
  const rank = q * total;
  let seen = 0;
  for (let i = 0; i < hist.length; i++) {
    if (hist[i] === 0) continue;
    if (seen + hist[i] >= rank) {
      const lower = i === 0 ? 0 : LATENCY_BOUNDS_MS[i - 1];
      const upper = i < LATENCY_BOUNDS_MS.length ? LATENCY_BOUNDS_MS[i] : lower * 2;
      return lower + ((rank - seen) / hist[i]) * (upper - lower);
    }
    seen += hist[i];
  }
  return LATENCY_BOUNDS_MS[LATENCY_BOUNDS_MS.length - 1] * 2;
}

export function addCounters(into: KpiCounters, from: KpiCounters): KpiCounters {
  into.requests += from.requests;
  into.errors += from.errors;
  into.fallbacks += from.fallbacks;
  from.latency.forEach((n, i) => (into.latency[i] += n));
  from.uncachedLatency.forEach((n, i) => (into.uncachedLatency[i] += n));
  into.latencySumMs += from.latencySumMs;
  into.feedback += from.feedback;
  into.successes += from.successes;
  into.shadowRequests += from.shadowRequests;
  into.shadowErrors += from.shadowErrors;
  into.shadowOverlapSum += from.shadowOverlapSum;
  for (const field of SHARD_FIELDS) from[field].forEach((n, i) => (into[field][i] += n));
  return into;
}
