import type { Db } from 'mongodb';
import { addCounters, emptyCounters, KPI_BUCKETS, KPI_BUCKET_MS, type KpiCounters } from '../src/contracts/kpi';
import type { PipelineActivities } from '../src/contracts/pipeline-activities';
import { countersOf, type StoredBucket } from '../src/kpis/bucket-codec';
import { evaluateKpiCheck } from '../src/policy/kpi-rules';

/** A version's buckets over all replicas for the seconds in [fromMs, toMs): the summed KPIs and the sampled users. */
export async function readWindow(db: Db, model: string, version: string, fromMs: number, toMs: number): Promise<{ counters: KpiCounters; users: number[] }> {
  const from = new Date(Math.floor(fromMs / KPI_BUCKET_MS) * KPI_BUCKET_MS);
  const docs = await db.collection<StoredBucket>(KPI_BUCKETS).find({ model, version, start: { $gte: from, $lt: new Date(toMs) } }).toArray();
  return {
    counters: docs.reduce((sum, doc) => addCounters(sum, countersOf(doc)), emptyCounters()),
    users: docs.flatMap((doc) => doc.users ?? []),
  };
}

async function sumKpis(db: Db, model: string, version: string, fromMs: number, toMs: number): Promise<KpiCounters> {
  return (await readWindow(db, model, version, fromMs, toMs)).counters;
}

export function createKpiActivities(db: Db): Pick<PipelineActivities, 'checkKpis'> {
  return {
    async checkKpis({ ref, stage, candidate, stable, fromMs, toMs, thresholds }) {
      const [cand, base] = await Promise.all([
        sumKpis(db, ref.model, candidate, fromMs, toMs),
        stable ? sumKpis(db, ref.model, stable, fromMs, toMs) : Promise.resolve(null),
      ]);
      return evaluateKpiCheck({ stage, from: new Date(fromMs), to: new Date(toMs), candidate: cand, stable: base, thresholds });
    },
  };
}
