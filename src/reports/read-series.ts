import type { Db } from 'mongodb';
import { createKpiBucketStore } from '../kpis/bucket-store';
import { stepCount, type KpiSeries, type SeriesQuery } from './series';

/**
 * Sums the KPIs of the versions in [from, to) over replicas into steps: each step is a range of the KPI store, read as
 * a bounded number of slot documents (src/kpis/levels.ts).
 */
export async function readKpiSeries(db: Db, query: SeriesQuery): Promise<KpiSeries> {
  if (!(query.stepMs > 0)) throw new RangeError(`stepMs must be positive, got ${query.stepMs}`);
  const store = createKpiBucketStore(db);
  const from = query.from.getTime();
  const to = query.to.getTime();
  const starts = Array.from({ length: stepCount(query) }, (_, i) => from + i * query.stepMs);
  const ranges = starts.map((s) => ({ fromMs: s, toMs: Math.min(s + query.stepMs, to) }));
  return {
    model: query.model,
    from: query.from.toISOString(),
    to: query.to.toISOString(),
    stepMs: query.stepMs,
    versions: await Promise.all(
      query.versions.map(async (version) => {
        const sums = await store.sums(query.model, version, ranges);
        return { version, steps: sums.map((s, i) => ({ start: new Date(starts[i]!).toISOString(), counters: s.counters })) };
      }),
    ),
  };
}
