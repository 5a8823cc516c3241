import type { KpiCheck } from '../contracts/messages';
import type { JudgedKpi, KpiVerdict } from '../contracts/verdicts';
import { describeKpi, describeLimit, harmLine, kpiLabel } from '../verdicts/describe';
import { stageLabel } from './format';
import type { StageWindow } from './stages';

/** One KPI at one check of the statistical judge. */
export interface IntervalPoint {
  /** When the check ran. */
  t: string;
  /** The monitoring window of the check, labelled as the stage bands are. */
  window: string;
  estimate: number | null;
  /** The always-valid interval; null sides are unbounded. */
  lower: number | null;
  upper: number | null;
  verdict: KpiVerdict;
}

/**
 * One KPI over the rollout. Every check judges all stages so far, so the interval narrows as evidence accumulates
 * and a point is the whole rollout's evidence at that moment, not one window's.
 */
export interface IntervalChart {
  id: string;
  kpi: JudgedKpi;
  title: string;
  /** Stable's level for a comparison, the ceiling or floor for a limit. */
  noHarm: number;
  /** noHarm moved by the margin towards harm: past it, a KPI cannot be proven non-inferior. */
  harmLine: number;
  /** How the harm line reads, e.g. "margin -10%" or "ceiling 2%". */
  limit: string;
  harmIsHigher: boolean;
  points: IntervalPoint[];
  /** The KPI at the last check, as a line of text. */
  last: string;
}

/** One chart per KPI the statistical checks judged, in the judge's order; none for the thresholds judge. */
export function intervalCharts(checks: KpiCheck[], stages: StageWindow[]): IntervalChart[] {
  const charts = new Map<JudgedKpi, IntervalChart>();
  for (const check of checks) {
    if (!check.judgement) continue;
    const window = stages.find((s) => s.stage === check.stage && s.from === check.from);
    for (const k of check.judgement.kpis) {
      const chart = charts.get(k.kpi) ?? {
        id: `interval_${k.kpi}`,
        kpi: k.kpi,
        title: kpiLabel(k.kpi),
        noHarm: k.noHarm,
        harmLine: harmLine(k),
        limit: describeLimit(k),
        harmIsHigher: k.harmIsHigher,
        points: [],
        last: '',
      };
      chart.points.push({ t: check.at, window: window ? stageLabel(window) : check.stage, estimate: k.estimate, lower: k.lower, upper: k.upper, verdict: k.verdict });
      chart.last = describeKpi(k);
      charts.set(k.kpi, chart);
    }
  }
  return [...charts.values()];
}
