/** What the statistical judge says about one KPI at one check, with the numbers behind it. */
export type KpiVerdict = 'regressed' | 'non_inferior' | 'undecided';

export const JUDGED_KPIS = ['success_vs_stable', 'errors_vs_stable', 'latency_vs_stable', 'error_rate_ceiling', 'latency_ceiling', 'shadow_agreement'] as const;
export type JudgedKpi = (typeof JUDGED_KPIS)[number];

export interface ArmSize {
  requests: number;
  users: number;
}

export interface KpiEvidence {
  kpi: JudgedKpi;
  /** The point estimate; null while an arm has no data. */
  estimate: number | null;
  /** The always-valid interval at this check; null bounds are unbounded. */
  lower: number | null;
  upper: number | null;
  /** Standardised distance of the estimate from `noHarm`, positive towards harm. */
  statistic: number | null;
  /** The value at which the candidate is no worse than its reference: 0 for a comparison, the ceiling for a limit. */
  noHarm: number;
  /** How far towards harm the interval may reach and still count as non-inferior. */
  margin: number;
  /** Whether a higher value is the harmful direction. */
  harmIsHigher: boolean;
  /** This KPI's share of the rollout's error budget. */
  alpha: number;
  /** The part of it the interval spends: all of it, or what the count test leaves. */
  intervalAlpha: number;
  /** The jump test's e-value, for the KPIs that run one: 1/alpha or more proves a jump. */
  eValue: number | null;
  candidate: ArmSize;
  stable: ArmSize | null;
  verdict: KpiVerdict;
}

export interface Judgement {
  verdict: KpiVerdict;
  kpis: KpiEvidence[];
}
