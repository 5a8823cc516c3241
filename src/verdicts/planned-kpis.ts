import type { JudgedKpi } from '../contracts/verdicts';

/**
 * The KPIs a rollout judges: comparisons with stable where one serves, both ceilings always (at 100% nothing serves
 * beside the candidate, and a ceiling still stops a collapse), agreement only where it is required.
 */
export function plannedKpis(hasStable: boolean, hasShadowStage: boolean, minShadowAgreement: number): JudgedKpi[] {
  const kpis: JudgedKpi[] = hasStable ? ['success_vs_stable', 'errors_vs_stable', 'latency_vs_stable'] : [];
  kpis.push('error_rate_ceiling', 'latency_ceiling');
  if (hasShadowStage && minShadowAgreement > 0) kpis.push('shadow_agreement');
  return kpis;
}
