import type { KpiSide } from '../contracts/messages';
import { summarizeSide } from '../policy/kpi-rules';
import type { KpiSeries } from './series';

export type Role = 'candidate' | 'stable';

/** One version's KPIs over one step: the figures the charts draw, in the units the monitoring rules judge. */
export interface KpiPoint extends KpiSide {
  t: string;
  role: Role;
  version: string;
  successes: number;
  shadowErrors: number;
  /** Served requests per second. */
  requestRate: number;
  /** Requests mirrored to the candidate per second while it shadows. */
  shadowRequestRate: number;
}

/** Rates come from summarizeSide, so a chart and a monitoring check over the same seconds agree. */
export function pointsOf(series: KpiSeries, candidate: string): KpiPoint[] {
  const seconds = series.stepMs / 1000;
  return series.versions.flatMap(({ version, steps }) =>
    steps.map(({ start, counters }) => ({
      t: start,
      role: version === candidate ? 'candidate' : 'stable',
      version,
      ...summarizeSide(counters),
      successes: counters.successes,
      shadowErrors: counters.shadowErrors,
      requestRate: counters.requests / seconds,
      shadowRequestRate: counters.shadowRequests / seconds,
    })),
  );
}
