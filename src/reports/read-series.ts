import type { Db } from 'mongodb';
import { KPI_BUCKETS } from '../contracts/kpi';
import { countersOf, type StoredBucket } from '../kpis/bucket-codec';
import { sumIntoSteps, type KpiSeries, type SeriesQuery } from './series';

/**
 * Reads the KPI buckets of the versions in [from, to) and sums them (over replicas and seconds) into steps. The sum
 * happens here rather than in an aggregation pipeline because FerretDB 1.x supports few aggregation stages.
 */
export async function readKpiSeries(db: Db, query: SeriesQuery): Promise<KpiSeries> {
  const cursor = db
    .collection<StoredBucket>(KPI_BUCKETS)
    .find({ model: query.model, version: { $in: query.versions }, start: { $gte: query.from, $lt: query.to } }, { projection: { _id: 0, model: 0, replica: 0 } });
  const buckets = [];
  for await (const doc of cursor) buckets.push({ version: doc.version, start: doc.start, counters: countersOf(doc) });
  return sumIntoSteps(query, buckets);
}
