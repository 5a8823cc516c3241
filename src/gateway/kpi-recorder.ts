import type { Db } from 'mongodb';
import { addCounters, emptyCounters, KPI_BUCKET_MS, KPI_BUCKETS, latencyBucketIndex, type KpiCounters } from '../contracts/kpi';
import { incrementsOf, type StoredBucket } from '../kpis/bucket-codec';

interface Pending {
  model: string;
  version: string;
  start: number;
  counters: KpiCounters;
}

/**
 * Accumulates KPIs in memory per (model, version, second) and adds them with `$inc` into buckets of its own replica:
 * FerretDB 1.x applies an update as read-modify-write, so two replicas incrementing one document could lose counts.
 * Readers add the replicas' buckets up. Flushes never overlap, and a failed one keeps its counts for the next:
 * nothing is lost while the database is away.
 */
export function createKpiRecorder(db: Db, replicaId: string, now: () => number = Date.now) {
  const collection = db.collection<StoredBucket>(KPI_BUCKETS);
  let pending = new Map<string, Pending>();
  let flushing: Promise<number> | null = null;

  function slot(model: string, version: string): KpiCounters {
    const start = Math.floor(now() / KPI_BUCKET_MS) * KPI_BUCKET_MS;
    const key = `${model}|${version}|${start}|${replicaId}`;
    let entry = pending.get(key);
    if (!entry) {
      entry = { model, version, start, counters: emptyCounters() };
      pending.set(key, entry);
    }
    return entry.counters;
  }

  return {
    request(model: string, version: string, latencyMs: number, outcome: { error: boolean; fallback: boolean }): void {
      const c = slot(model, version);
      c.requests++;
      if (outcome.error) c.errors++;
      if (outcome.fallback) c.fallbacks++;
      c.latency[latencyBucketIndex(latencyMs)]++;
      c.latencySumMs += latencyMs;
    },
    feedback(model: string, version: string, success: boolean): void {
      const c = slot(model, version);
      c.feedback++;
      if (success) c.successes++;
    },
    shadow(model: string, version: string, outcome: { error: boolean; overlap: number }): void {
      const c = slot(model, version);
      c.shadowRequests++;
      if (outcome.error) c.shadowErrors++;
      else c.shadowOverlapSum += outcome.overlap;
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
    let written = 0;
    try {
      for (const [id, p] of batch) {
        await collection.updateOne(
          { _id: id },
          { $inc: incrementsOf(p.counters), $setOnInsert: { model: p.model, version: p.version, replica: replicaId, start: new Date(p.start) } },
          { upsert: true },
        );
        written++;
      }
      return written;
    } catch (err) {
      for (const [key, p] of batch.slice(written)) {
        const current = pending.get(key);
        if (current) addCounters(current.counters, p.counters);
        else pending.set(key, p);
      }
      throw err;
    }
  }
}

export type KpiRecorder = ReturnType<typeof createKpiRecorder>;
