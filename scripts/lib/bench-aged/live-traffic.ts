import { emptyCounters, KPI_SHARDS } from '../../../src/contracts/kpi';
import type { SecondCounts } from '../../../src/kpis/slot-writes';

/**
 * One replica's last 70 minutes of a model serving stable 1.0.0 and, for the last 10, candidate 2.0.0 at 10%: what
 * a rollout check and a monitor check read, the same on the empty and the aged stack.
 */
export function liveTraffic(model: string, nowMs: number): SecondCounts[] {
  const out: SecondCounts[] = [];
  const end = Math.floor(nowMs / 1000) * 1000;
  for (let t = end - 70 * 60_000; t < end; t += 1000) {
    const canary = t >= end - 10 * 60_000;
    for (const [version, requests] of [['1.0.0', canary ? 18 : 20], ['2.0.0', canary ? 2 : 0]] as const) {
      if (requests === 0) continue;
      const c = emptyCounters();
      c.requests = requests;
      c.successes = (t / 1000) % 20 === 0 ? 1 : 0;
      c.feedback = c.successes;
      c.latency[3] = requests;
      c.uncachedLatency[3] = requests;
      for (let r = 0; r < requests; r++) c.shardRequests[(t / 1000 + r) % KPI_SHARDS]++;
      c.shardSuccesses[(t / 1000) % KPI_SHARDS] += c.successes;
      out.push({ model, version, start: t, counters: c, users: [t % 997, (t + 1) % 997] });
    }
  }
  return out;
}
