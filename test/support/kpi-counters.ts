import { emptyCounters, KPI_SHARDS, latencyBucketIndex, type KpiCounters } from '../../src/contracts/kpi';

export interface EvenTraffic {
  /** Shares of the requests. */
  errors?: number;
  successes?: number;
  /** Latency of most requests; a share `slow` of them take 400 ms. */
  ms?: number;
  slow?: number;
  /** Mirrored requests of a shadow stage instead of served ones. */
  shadow?: boolean;
  /** Share of the requests answered from the gateway's cache, at once: left out of the uncached histogram. */
  cached?: number;
}

/** KPI counters of `requests` spread evenly over the user shards, at the given rates: a synthetic arm for tests. */
export function evenCounters(requests: number, { errors = 0, successes = 0, ms = 3, slow = 0, shadow = false, cached = 0 }: EvenTraffic = {}): KpiCounters {
  const c = emptyCounters();
  const n = requests / KPI_SHARDS;
  for (let s = 0; s < KPI_SHARDS; s++) {
    const e = Math.round(n * errors);
    if (shadow) {
      c.shardShadowRequests[s] = n;
      c.shardShadowErrors[s] = e;
      continue;
    }
    c.shardRequests[s] = n;
    c.shardErrors[s] = e;
    c.shardSuccesses[s] = Math.round(n * successes);
  }
  const sum = (a: number[]) => a.reduce((x, y) => x + y, 0);
  c.requests = sum(c.shardRequests);
  c.errors = sum(c.shardErrors);
  c.successes = sum(c.shardSuccesses);
  c.feedback = c.successes;
  c.shadowRequests = sum(c.shardShadowRequests);
  c.shadowErrors = sum(c.shardShadowErrors);
  const hits = Math.round(c.requests * cached);
  const ranked = c.requests - hits;
  c.uncachedLatency[latencyBucketIndex(400)] = Math.round(ranked * slow);
  c.uncachedLatency[latencyBucketIndex(ms)] += ranked - Math.round(ranked * slow);
  c.latency = c.uncachedLatency.slice();
  c.latency[0] += hits;
  return c;
}
