import type { Db } from 'mongodb';
import { emptyCounters } from '../../../src/contracts/kpi';
import { storedOf } from '../../../src/kpis/bucket-codec';
import { collectionName, expiredAt, KPI_LEVELS, slotId } from '../../../src/kpis/levels';
import { KPI_WRITERS } from '../../../src/kpis/writers';

export const REPLICAS = ['gw-a:8080', 'gw-b:8080'];
export const YEAR_MS = 365 * 86_400_000;

/** Counts of one replica over one slot of `ms`, at about 10 requests a second per replica. */
function slotCounts(ms: number, salt: number) {
  const c = emptyCounters();
  const seconds = ms / 1000;
  c.requests = Math.round(seconds * (9 + (salt % 3)));
  c.errors = Math.round(c.requests * 0.004);
  c.successes = Math.round(c.requests * 0.05);
  c.feedback = c.successes;
  c.latency[3] = c.requests;
  c.uncachedLatency[3] = c.requests - Math.round(c.requests * 0.2);
  for (let s = 0; s < 32; s++) {
    c.shardRequests[s] = Math.round(c.requests / 32);
    c.shardSuccesses[s] = Math.round(c.successes / 32);
  }
  return storedOf(c);
}

/**
 * What a year (or `spanMs`) leaves in the KPI store of one model version served by two replicas, once retention has
 * run: every slot of every level within its horizon, written straight into the level collections in bulk (a replica
 * writes the same documents one flush at a time). Returns the number of documents written.
 */
export async function loadKpiYear(db: Db, model: string, version: string, nowMs: number, spanMs = YEAR_MS): Promise<number> {
  let written = 0;
  for (const [n, replica] of REPLICAS.entries()) {
    await db.collection(KPI_WRITERS).insertOne({ _id: `${model}|${n}` as never, model, replica, firstMs: nowMs - spanMs, lastMs: nowMs });
  }
  for (const level of KPI_LEVELS) {
    const byCollection = new Map<string, object[]>();
    for (let start = Math.floor((nowMs - spanMs) / level.ms) * level.ms; start + level.ms <= nowMs; start += level.ms) {
      if (expiredAt(level, start, nowMs)) continue;
      const name = collectionName(model, level, start);
      const docs = byCollection.get(name) ?? [];
      byCollection.set(name, docs);
      for (const replica of REPLICAS) docs.push({ _id: slotId(version, replica, start), version, replica, level: level.name, start: new Date(start), ...slotCounts(level.ms, start / level.ms) });
    }
    for (const [name, docs] of byCollection) {
      for (let i = 0; i < docs.length; i += 2000) await db.collection(name).insertMany(docs.slice(i, i + 2000) as never[], { ordered: false });
      written += docs.length;
    }
  }
  return written;
}
