import type { Db } from 'mongodb';
import { addCounters, emptyCounters, KPI_BUCKET_MS, KPI_SHARDS, latencyBucketIndex, USER_SAMPLE_PER_BUCKET, type KpiCounters } from '../contracts/kpi';
import { createKpiBucketStore } from '../kpis/bucket-store';
import { userBucket } from '../routing';

/** A salt of its own, so shards cut across the routing buckets: every shard holds users of both arms. */
const shardOf = (model: string, user: number) => userBucket(model, String(user), 'kpi-shard:') % KPI_SHARDS;

interface Pending {
  model: string;
  version: string;
  start: number;
  counters: KpiCounters;
  /** Users sampled since the last flush, and how many this bucket has sampled in all. */
  users: number[];
  sampled: number;
}

/**
 * Accumulates KPIs in memory per (model, version, second) and adds them with `$inc` into buckets of its own replica:
 * FerretDB 1.x applies an update as read-modify-write, so two replicas incrementing one document could lose counts.
 * Readers add the replicas' buckets up. Flushes never overlap, and a failed one keeps its counts for the next:
 * nothing is lost while the database is away.
 */
export function createKpiRecorder(db: Db, replicaId: string, now: () => number = Date.now) {
  const store = createKpiBucketStore(db);
  let pending = new Map<string, Pending>();
  let flushing: Promise<number> | null = null;
  /** Samples already flushed per bucket key, so a bucket flushed several times within its second stays capped. */
  const sampledBefore = new Map<string, number>();

  function entry(model: string, version: string): Pending {
    const start = Math.floor(now() / KPI_BUCKET_MS) * KPI_BUCKET_MS;
    const key = `${model}|${version}|${start}|${replicaId}`;
    let e = pending.get(key);
    if (!e) {
      e = { model, version, start, counters: emptyCounters(), users: [], sampled: sampledBefore.get(key) ?? 0 };
      pending.set(key, e);
    }
    return e;
  }
  const slot = (model: string, version: string) => entry(model, version).counters;

  return {
    request(model: string, version: string, latencyMs: number, outcome: { error: boolean; fallback: boolean; cached: boolean }, user: number): void {
      const e = entry(model, version);
      const c = e.counters;
      if (e.sampled < USER_SAMPLE_PER_BUCKET) {
        e.users.push(user);
        e.sampled++;
      }
      const shard = shardOf(model, user);
      c.requests++;
      c.shardRequests[shard]++;
      if (outcome.error) {
        c.errors++;
        c.shardErrors[shard]++;
      }
      if (outcome.fallback) c.fallbacks++;
      c.latency[latencyBucketIndex(latencyMs)]++;
      if (!outcome.cached) c.uncachedLatency[latencyBucketIndex(latencyMs)]++;
      c.latencySumMs += latencyMs;
    },
    feedback(model: string, version: string, success: boolean, user: number): void {
      const c = slot(model, version);
      c.feedback++;
      if (success) {
        c.successes++;
        c.shardSuccesses[shardOf(model, user)]++;
      }
    },
    shadow(model: string, version: string, outcome: { error: boolean; overlap: number }, user: number): void {
      const c = slot(model, version);
      const shard = shardOf(model, user);
      c.shadowRequests++;
      c.shardShadowRequests[shard]++;
      if (outcome.error) {
        c.shadowErrors++;
        c.shardShadowErrors[shard]++;
      } else {
        c.shadowOverlapSum += outcome.overlap;
        c.shardShadowOverlap[shard] += outcome.overlap;
      }
    },
    pendingCount: () => pending.size,

    flush(): Promise<number> {
      const run = (flushing ?? Promise.resolve(0)).catch(() => 0).then(flushOnce);
      flushing = run;
      return run;
    },
  };

  async function flushOnce(): Promise<number> {
    const batch = [...pending.entries()];
    pending = new Map();
    const current = Math.floor(now() / KPI_BUCKET_MS) * KPI_BUCKET_MS;
    for (const [key, p] of batch) {
      if (p.start < current) sampledBefore.delete(key);
      else sampledBefore.set(key, p.sampled);
    }
    let written = 0;
    try {
      for (const [id, p] of batch) {
        await store.add(id, { model: p.model, version: p.version, replica: replicaId, start: p.start, counters: p.counters, users: p.users });
        written++;
      }
      return written;
    } catch (err) {
      for (const [key, p] of batch.slice(written)) {
        const kept = pending.get(key);
        if (kept) {
          addCounters(kept.counters, p.counters);
          kept.users.unshift(...p.users);
        } else pending.set(key, p);
      }
      throw err;
    }
  }
}

export type KpiRecorder = ReturnType<typeof createKpiRecorder>;
