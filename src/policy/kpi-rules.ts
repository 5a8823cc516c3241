import { latencyQuantile, type KpiCounters } from '../contracts/kpi';
import type { KpiThresholds, Stage } from '../contracts/pipeline-spec';
import type { KpiCheck, KpiSide, RuleResult } from '../contracts/messages';

export function summarizeSide(c: KpiCounters): KpiSide {
  return {
    requests: c.requests,
    errors: c.errors,
    errorRate: c.requests > 0 ? c.errors / c.requests : null,
    p99Ms: latencyQuantile(c.latency, 0.99),
    successRate: c.requests > 0 ? c.successes / c.requests : null,
    shadowRequests: c.shadowRequests,
    shadowAgreement: c.shadowRequests > c.shadowErrors ? c.shadowOverlapSum / (c.shadowRequests - c.shadowErrors) : null,
  };
}

function rule(name: string, value: number | null, threshold: number, ok: (v: number) => boolean, enough: boolean): RuleResult {
  if (value === null || !enough) return { rule: name, value, threshold, verdict: 'insufficient_data' };
  return { rule: name, value, threshold, verdict: ok(value) ? 'pass' : 'breach' };
}

export interface CheckInput {
  stage: Stage;
  from: Date;
  to: Date;
  candidate: KpiCounters;
  stable: KpiCounters | null;
  thresholds: KpiThresholds;
}

/**
 * Judges one monitoring check over the window so far. Rates need `minRequests` to mean anything; an absolute count of
 * failures breaches at any volume, so a model that fails every one of its few requests is still stopped.
 */
export function evaluateKpiCheck({ stage, from, to, candidate, stable, thresholds: t }: CheckInput): KpiCheck {
  const cand = summarizeSide(candidate);
  const base = stable ? summarizeSide(stable) : null;
  const rules: RuleResult[] = [];
  if (stage.kind === 'shadow') {
    const enough = candidate.shadowRequests >= t.minRequests;
    rules.push(rule('shadow_failures', candidate.shadowErrors, t.maxFailures, (v) => v <= t.maxFailures, true));
    rules.push(rule('shadow_error_rate', candidate.shadowRequests ? candidate.shadowErrors / candidate.shadowRequests : null, t.maxErrorRate, (v) => v <= t.maxErrorRate, enough));
    rules.push(rule('shadow_agreement', cand.shadowAgreement, t.minShadowAgreement, (v) => v >= t.minShadowAgreement, enough));
  } else {
    const enough = candidate.requests >= t.minRequests;
    rules.push(rule('failures', candidate.errors, t.maxFailures, (v) => v <= t.maxFailures, true));
    rules.push(rule('error_rate', cand.errorRate, t.maxErrorRate, (v) => v <= t.maxErrorRate, enough));
    rules.push(rule('p99_latency_ms', cand.p99Ms, t.maxP99Ms, (v) => v <= t.maxP99Ms, enough));
    const ratio = base?.successRate && cand.successRate !== null ? cand.successRate / base.successRate : null;
    const stableEnough = stable !== null && stable.requests >= t.minRequests && stable.successes > 0;
    rules.push(rule('success_ratio_vs_stable', ratio, t.minSuccessRatio, (v) => v >= t.minSuccessRatio, enough && stableEnough));
  }
  return {
    judge: 'thresholds',
    stage: stage.name,
    at: to.toISOString(),
    from: from.toISOString(),
    to: to.toISOString(),
    candidate: cand,
    stable: base,
    rules,
    judgement: null,
    verdict: rules.some((r) => r.verdict === 'breach') ? 'breach' : 'pass',
  };
}
