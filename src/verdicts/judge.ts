import type { KpiCounters } from '../contracts/kpi';
import type { JudgedKpi, Judgement, KpiEvidence, KpiVerdict } from '../contracts/verdicts';
import { confidenceSequence } from './always-valid';
import { JUMP_RATIOS, logCeilingEValue, logMeanOfSums } from './count-test';
import {
  comparisons,
  edgeAtOrAbove,
  errorStepLogs,
  errorsOf,
  KPI_SHARDS,
  requestsIn,
  shadowOverlap,
  allRequests,
  slowerThan,
  slowStepLogs,
  stableP99Edge,
  successes,
  uncachedRequests,
  type ConcurrentStep,
  type Stratum,
} from './kpi-samples';
import { pooledRate, stratifiedDifference, sumRates, type Estimate } from './shard-estimates';

export type { ConcurrentStep, Stratum };
export { plannedKpis } from './planned-kpis';

export interface JudgeSettings {
  /** Error budget of the whole rollout, split evenly over the KPIs judged. */
  alpha: number;
  successMargin: number;
  errorMargin: number;
  latencyMargin: number;
  minEffect: { success: number; errors: number; latency: number };
  maxErrorRate: number;
  maxP99Ms: number;
  minShadowAgreement: number;
  /** A KPI is proven non-inferior only on at least this many candidate requests. */
  minRequests: number;
}

export interface JudgeInput {
  /** Per stage, everything so far. */
  strata: Stratum[];
  /** Per check where stable served beside the candidate: that check's new counts. */
  steps: ConcurrentStep[];
  /** Which KPIs this rollout judges; fixed when it starts, so the error budget's split never depends on the data. */
  kpis: JudgedKpi[];
  users: { candidate: number; stable: number };
  settings: JudgeSettings;
}

/** A share of requests above this ceiling breaks a latency limit given as a p99. */
const TAIL_SHARE = 0.01;
/** Most of a rare-event KPI's budget goes to proving harm fast: a tenfold error rate must stop at the first check. */
const COUNT_TEST_SHARE = 0.75;
/** Agreement is a mean overlap in [0, 1]; the interval is tuned to a tenth of it. */
const AGREEMENT_EFFECT = 0.1;

/**
 * How a KPI is measured and proven. `estimate` carries the interval; harm on rare events (errors, slow requests) is
 * proven by an exact count test (`logE`, natural log of its e-value) with COUNT_TEST_SHARE of the KPI's budget, the
 * rest going to the interval, which then proves only non-inferiority. Success rates are common events, clustered by
 * user, and their interval proves both.
 */
interface Measure {
  estimate: Estimate | null;
  /** Where the true value can lie at all: the interval is cut to it (a share is in [0, 1]). */
  range: [number, number];
  candidateRequests: number;
  stableRequests: number | null;
  noHarm: number;
  margin: number;
  harmIsHigher: boolean;
  tau: number;
  logE: number | null;
}

function measure(kpi: JudgedKpi, input: JudgeInput): Measure {
  const { strata, steps, settings: s } = input;
  const traffic = strata.filter((x) => x.kind === 'traffic');
  const served = (list: Stratum[], side: (x: Stratum) => KpiCounters | null, count = (c: KpiCounters) => c.requests) =>
    list.reduce((n, x) => {
      const c = side(x);
      return n + (c ? count(c) : 0);
    }, 0);
  const candidateRequests = served(traffic, (x) => x.candidate);
  const stableRequests = served(strata, (x) => x.stable);
  const candidateErrors = strata.map((x) => errorsOf(x.candidate, x.kind));
  const withStable = { candidateRequests, stableRequests };
  // Versions are compared on the requests they ranked themselves, so that comparison's evidence is counted in those.
  const uncached = (c: KpiCounters) => requestsIn(c, uncachedRequests);
  const uncachedWithStable = { candidateRequests: served(traffic, (x) => x.candidate, uncached), stableRequests: served(strata, (x) => x.stable, uncached) };
  switch (kpi) {
    case 'success_vs_stable':
      return {
        ...withStable,
        estimate: stratifiedDifference(comparisons(traffic, (x) => successes(x.candidate), successes), KPI_SHARDS, true),
        range: [-1, Infinity],
        noHarm: 0, margin: s.successMargin, harmIsHigher: false, tau: s.minEffect.success, logE: null,
      };
    case 'errors_vs_stable':
      return {
        candidateRequests: candidateErrors.reduce((n, r) => n + r.exposures, 0),
        stableRequests,
        estimate: stratifiedDifference(comparisons(strata, (x) => errorsOf(x.candidate, x.kind), (c) => errorsOf(c, 'traffic')), KPI_SHARDS, false),
        range: [-1, 1],
        noHarm: 0, margin: s.errorMargin, harmIsHigher: true, tau: s.minEffect.errors,
        logE: logMeanOfSums(errorStepLogs(steps), JUMP_RATIOS.length),
      };
    case 'latency_vs_stable': {
      const edge = stableP99Edge(strata);
      return {
        ...uncachedWithStable,
        estimate: edge === null ? null : stratifiedDifference(comparisons(traffic, (x) => slowerThan(x.candidate, edge, uncachedRequests), (c) => slowerThan(c, edge, uncachedRequests)), 0, false),
        range: [-1, 1],
        noHarm: 0, margin: s.latencyMargin, harmIsHigher: true, tau: s.minEffect.latency,
        logE: edge === null ? null : logMeanOfSums(slowStepLogs(steps, edge), JUMP_RATIOS.length),
      };
    }
    case 'error_rate_ceiling': {
      const all = sumRates(candidateErrors, KPI_SHARDS);
      return {
        candidateRequests: all.exposures, stableRequests: null,
        estimate: pooledRate(candidateErrors, KPI_SHARDS),
        range: [0, 1],
        noHarm: s.maxErrorRate, margin: 0, harmIsHigher: true, tau: s.minEffect.errors,
        logE: logCeilingEValue(all.events, all.exposures, s.maxErrorRate),
      };
    }
    case 'latency_ceiling': {
      const slow = sumRates(traffic.map((x) => slowerThan(x.candidate, edgeAtOrAbove(s.maxP99Ms), allRequests)), 0);
      return {
        candidateRequests, stableRequests: null,
        estimate: pooledRate([slow], 0),
        range: [0, 1],
        noHarm: TAIL_SHARE, margin: 0, harmIsHigher: true, tau: s.minEffect.latency,
        logE: logCeilingEValue(slow.events, slow.exposures, TAIL_SHARE),
      };
    }
    case 'shadow_agreement': {
      const arms = strata.filter((x) => x.kind === 'shadow').map((x) => shadowOverlap(x.candidate));
      return {
        candidateRequests: arms.reduce((n, a) => n + a.exposures, 0), stableRequests: null,
        estimate: pooledRate(arms, KPI_SHARDS),
        range: [0, 1],
        noHarm: s.minShadowAgreement, margin: 0, harmIsHigher: false, tau: AGREEMENT_EFFECT, logE: null,
      };
    }
  }
}

const finite = (x: number) => (Number.isFinite(x) ? x : null);

function judgeKpi(kpi: JudgedKpi, input: JudgeInput, alpha: number): KpiEvidence {
  const m = measure(kpi, input);
  const countTest = m.logE !== null;
  const intervalAlpha = countTest ? alpha * (1 - COUNT_TEST_SHARE) : alpha;
  const candidate = { requests: m.candidateRequests, users: input.users.candidate };
  const stable = m.stableRequests === null ? null : { requests: m.stableRequests, users: input.users.stable };
  const eValue = m.logE === null ? null : Math.exp(Math.min(m.logE, 700));
  const jumped = m.logE !== null && m.logE >= Math.log(1 / (alpha * COUNT_TEST_SHARE));
  const common = { kpi, noHarm: m.noHarm, margin: m.margin, harmIsHigher: m.harmIsHigher, alpha, intervalAlpha, eValue, candidate, stable };
  if (!m.estimate) return { ...common, estimate: null, lower: null, upper: null, statistic: null, verdict: jumped ? 'regressed' : 'undecided' };

  const { estimate, variance } = m.estimate;
  const interval = confidenceSequence(estimate, variance, m.tau, intervalAlpha);
  const lower = Math.max(interval.lower, m.range[0]);
  const upper = Math.min(interval.upper, m.range[1]);
  const sign = m.harmIsHigher ? 1 : -1;
  const se = Math.sqrt(variance);
  // Distances towards harm: how far the interval's near and far ends lie past the no-harm line.
  const nearEnd = sign * ((m.harmIsHigher ? lower : upper) - m.noHarm);
  const farEnd = sign * ((m.harmIsHigher ? upper : lower) - m.noHarm);
  let verdict: KpiVerdict = 'undecided';
  if (countTest ? jumped : nearEnd > 0) verdict = 'regressed';
  else if (farEnd <= m.margin && m.candidateRequests >= input.settings.minRequests) verdict = 'non_inferior';
  return { ...common, estimate, lower: finite(lower), upper: finite(upper), statistic: se > 0 ? (sign * (estimate - m.noHarm)) / se : null, verdict };
}

/**
 * One check of a rollout: every planned KPI over all of its stages so far, each at an equal share of the error
 * budget. Regressed when any KPI is; non-inferior when every KPI is; undecided otherwise.
 */
export function judge(input: JudgeInput): Judgement {
  const alpha = input.settings.alpha / Math.max(1, input.kpis.length);
  const kpis = input.kpis.map((k) => judgeKpi(k, input, alpha));
  const verdict: KpiVerdict = kpis.some((k) => k.verdict === 'regressed')
    ? 'regressed'
    : kpis.length > 0 && kpis.every((k) => k.verdict === 'non_inferior')
      ? 'non_inferior'
      : 'undecided';
  return { verdict, kpis };
}
