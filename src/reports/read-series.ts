import type { Db } from 'mongodb';
import { createKpiBucketStore } from '../kpis/bucket-store';
import { sumIntoSteps, type KpiSeries, type SeriesQuery } from './series';

/**
 * Reads the KPI buckets of the versions in [from, to) and sums them (over replicas and seconds) into steps. The sum
 * happens here rather than in an aggregation pipeline because FerretDB 1.x supports few aggregation stages.
 */
export async function readKpiSeries(db: Db, query: SeriesQuery): Promise<KpiSeries> {
  return sumIntoSteps(query, await createKpiBucketStore(db).read(query.model, query.versions, query.from, query.to));
}
