import type { Db } from 'mongodb';
import { KPI_BUCKETS } from '../contracts/kpi';
import { ensureIndexSet } from '../db/ensure-indexes';

/** Monitoring checks and reports read a model's versions over a time range. */
export async function ensureKpiIndexes(db: Db): Promise<void> {
  await ensureIndexSet(db, KPI_BUCKETS, [{ key: { model: 1, version: 1, start: 1 }, name: 'model_version_start' }]);
}
