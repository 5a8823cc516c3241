import type { Db } from 'mongodb';
import { emptyCounters, KPI_BUCKET_MS, KPI_SHARDS, latencyBucketIndex } from '../contracts/kpi';
import { createKpiBucketStore } from '../kpis/bucket-store';
import { FINEST } from '../kpis/levels';
import { createSlotWriter, type SecondCounts } from '../kpis/slot-writes';
import { TOUCH_MS } from '../kpis/writers';
import { userBucket } from '../routing';

/** A salt of its own, so shards cut across the routing buckets: every shard holds users of both arms. */
const shardOf = (model: string, user: number) => userBucket(model, String(user), 'kpi-shard:') % KPI_SHARDS;

interface Pending extends SecondCounts {
  /** How many users this second has sampled in all, flushed or not. */
  sampled: number;
}

/**
 * Accumulates KPIs in memory per (model, version, second) and adds them with `$inc` into slot documents of every
 * level (src/kpis/levels.ts) of its own replica: FerretDB 1.x applies an update as read-modify-write, so two replicas
 * incrementing one document could lose counts. Readers add the replicas' documents up. Before its first write of a
 * model the replica registers as one of its writers, so readers know which documents to fetch. Flushes never overlap,
 * and what a failed one did not write waits for the next: nothing is lost while the database is away.
 */
export function createKpiRecorder(db: Db, replicaId: string, now: () => number = Date.now) {
  const store = createKpiBucketStore(db);
  const slots = createSlotWriter();
  let pending = new Map<string, Pending>();
  let flushing: Promise<number> | null = null;
  /** Samples already flushed per second, so a second flushed several times stays capped. */
  const sampledBefore = new Map<string, number>();
  /** This replica's writer entry per model, and when it last raised its `lastMs`. */
  const registered = new Map<string, { id: string; touchedMs: number }>();

  function entry(model: string, version: string): Pending {
    const start = Math.floor(now() / KPI_BUCKET_MS) * KPI_BUCKET_MS;
    const key = `${model}|${version}|${start}`;
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
      if (e.sampled < FINEST.userSample) {
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

    /** Writes what is due; `all` writes every held slot too, as a replica that stops must. */
    flush(all = false): Promise<number> {
      const run = (flushing ?? Promise.resolve(0)).catch(() => 0).then(() => flushOnce(all));
      flushing = run;
      return run;
    },
  };

  /** Registers the replica as a writer of the model before its first write, and keeps its `lastMs` fresh. */
  async function announce(model: string, earliestMs: number, nowMs: number): Promise<void> {
    const known = registered.get(model);
    if (!known) {
      registered.set(model, { id: await store.writers.register(model, replicaId, earliestMs, nowMs), touchedMs: nowMs });
    } else if (nowMs - known.touchedMs >= TOUCH_MS / 2) {
      await store.writers.touch(known.id, nowMs);
      known.touchedMs = nowMs;
    }
  }

  async function flushOnce(all: boolean): Promise<number> {
    const batch = [...pending.entries()];
    pending = new Map();
    const nowMs = now();
    const current = Math.floor(nowMs / KPI_BUCKET_MS) * KPI_BUCKET_MS;
    for (const [key, p] of batch) {
      if (p.start < current) sampledBefore.delete(key);
      else sampledBefore.set(key, p.sampled);
    }
    slots.hold(batch.map(([, p]) => p), nowMs);
    const due = slots.due(nowMs, all);
    const models = new Map<string, number>();
    for (const { model, write } of due) if (write.level === FINEST) models.set(model, Math.min(models.get(model) ?? nowMs, write.startMs));
    for (const [model, earliestMs] of models) await announce(model, earliestMs, nowMs);
    for (const w of due) {
      await store.add(w.model, replicaId, w.write);
      slots.written(w);
    }
    return due.length;
  }
}

export type KpiRecorder = ReturnType<typeof createKpiRecorder>;
