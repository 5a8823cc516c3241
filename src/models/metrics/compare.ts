import { RANKING_METRICS, type RankingMetrics } from './ranking';

export const COMPARED_METRICS = [...RANKING_METRICS, 'coverage'] as const;
export type MetricName = (typeof COMPARED_METRICS)[number];
export type MetricSummary = RankingMetrics & { coverage: number };

export interface CompareOptions {
  /** Floors: the candidate fails a metric whose value is below its floor, whatever the baseline. */
  absolute?: Partial<Record<MetricName, number>>;
  /**
   * Allowed relative shortfall against the baseline: 0.05 passes a candidate up to 5 % worse, 0
   * (default) requires at least parity, a negative value requires an improvement of that size.
   * A number applies to every metric; a record sets it per metric (missing ones use 0).
   */
  relativeTolerance?: number | Partial<Record<MetricName, number>>;
  /** Metrics to judge; defaults to all of COMPARED_METRICS. */
  metrics?: readonly MetricName[];
}

export type Verdict = 'better' | 'equal' | 'within_tolerance' | 'worse' | 'below_floor';

export interface MetricVerdict {
  metric: MetricName;
  candidate: number;
  baseline: number;
  delta: number;
  /** delta / baseline; null when the baseline is 0. */
  relativeDelta: number | null;
  /** The lowest candidate value that passes: max(floor, baseline x (1 - tolerance)). */
  required: number;
  verdict: Verdict;
  pass: boolean;
}

export interface Comparison {
  pass: boolean;
  verdicts: MetricVerdict[];
}

/** Judges a candidate model against a baseline metric by metric; all metrics are higher-is-better. */
export function compareToBaseline(candidate: MetricSummary, baseline: MetricSummary, options: CompareOptions = {}): Comparison {
  const verdicts = (options.metrics ?? COMPARED_METRICS).map((metric): MetricVerdict => {
    const c = candidate[metric];
    const b = baseline[metric];
    const tolerance = typeof options.relativeTolerance === 'number' ? options.relativeTolerance : (options.relativeTolerance?.[metric] ?? 0);
    const floor = options.absolute?.[metric];
    const relativeRequired = b * (1 - tolerance);
    const required = floor === undefined ? relativeRequired : Math.max(floor, relativeRequired);

    let verdict: Verdict;
    if (floor !== undefined && c < floor) verdict = 'below_floor';
    else if (c < relativeRequired) verdict = 'worse';
    else if (c > b) verdict = 'better';
    else if (c === b) verdict = 'equal';
    else verdict = 'within_tolerance';

    return {
      metric,
      candidate: c,
      baseline: b,
      delta: c - b,
      relativeDelta: b === 0 ? null : (c - b) / b,
      required,
      verdict,
      pass: verdict !== 'below_floor' && verdict !== 'worse',
    };
  });
  return { pass: verdicts.every((v) => v.pass), verdicts };
}
