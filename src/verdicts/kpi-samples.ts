import { KPI_SHARDS, LATENCY_BOUNDS_MS, latencyQuantile, type KpiCounters } from '../contracts/kpi';
import { JUMP_RATIOS, stepLogRatio, type CountStep } from './count-test';
import { sumRates, type Comparison, type ShardedRate } from './shard-estimates';

/** One stage's counters so far: the candidate's and, where stable served beside it, stable's. */
export interface Stratum {
  stage: string;
  kind: 'shadow' | 'traffic';
  candidate: KpiCounters;
  stable: KpiCounters | null;
}

/** One check's new counts in a stage where stable served beside the candidate. */
export interface ConcurrentStep {
  kind: 'shadow' | 'traffic';
  candidate: KpiCounters;
  stable: KpiCounters;
}

const NO_SHARDS: number[] = [];

export const successes = (c: KpiCounters): ShardedRate => ({ events: c.successes, exposures: c.requests, shardEvents: c.shardSuccesses, shardExposures: c.shardRequests });

/** The candidate's errors: on mirrored requests in a shadow stage, on served ones otherwise. */
export const errorsOf = (c: KpiCounters, kind: 'shadow' | 'traffic'): ShardedRate =>
  kind === 'shadow'
    ? { events: c.shadowErrors, exposures: c.shadowRequests, shardEvents: c.shardShadowErrors, shardExposures: c.shardShadowRequests }
    : { events: c.errors, exposures: c.requests, shardEvents: c.shardErrors, shardExposures: c.shardRequests };

export const shadowOverlap = (c: KpiCounters): ShardedRate => ({
  events: c.shadowOverlapSum,
  exposures: c.shadowRequests - c.shadowErrors,
  shardEvents: c.shardShadowOverlap,
  shardExposures: c.shardShadowRequests.map((n, i) => n - c.shardShadowErrors[i]),
});

/** A latency histogram: every request's, or only the uncached ones' (KpiCounters). */
export type LatencyOf = (c: KpiCounters) => number[];
export const allRequests: LatencyOf = (c) => c.latency;
export const uncachedRequests: LatencyOf = (c) => c.uncachedLatency;

/** How many requests a histogram counts. */
export const requestsIn = (c: KpiCounters, of: LatencyOf): number => of(c).reduce((n, x) => n + x, 0);

/** Requests in a histogram slower than its bucket `edge`, out of all it counts: recorded per request, not per shard. */
export function slowerThan(c: KpiCounters, edge: number, of: LatencyOf): ShardedRate {
  const hist = of(c);
  let events = 0;
  for (let i = edge + 1; i < hist.length; i++) events += hist[i];
  return { events, exposures: requestsIn(c, of), shardEvents: NO_SHARDS, shardExposures: NO_SHARDS };
}

/** The histogram bucket whose upper bound is the first at or above `ms`. */
export function edgeAtOrAbove(ms: number): number {
  const i = LATENCY_BOUNDS_MS.findIndex((b) => b >= ms);
  return i === -1 ? LATENCY_BOUNDS_MS.length - 1 : i;
}

/** The bucket edge at or above stable's p99 over all it ranked itself so far; null before it ranked any. */
export function stableP99Edge(strata: Stratum[]): number | null {
  const hist = new Array<number>(LATENCY_BOUNDS_MS.length + 1).fill(0);
  for (const s of strata) s.stable?.uncachedLatency.forEach((n, i) => (hist[i] += n));
  const p99 = latencyQuantile(hist, 0.99);
  return p99 === null ? null : edgeAtOrAbove(p99);
}

/**
 * Comparisons for the stages where stable served beside the candidate; a stage where the candidate served alone
 * (100%) is compared with stable's own requests from the earlier stages of this rollout, a historical control.
 */
export function comparisons(strata: Stratum[], candidateSide: (s: Stratum) => ShardedRate, stableSide: (c: KpiCounters) => ShardedRate): Comparison[] {
  const history = strata.filter((s) => s.stable && s.stable.requests > 0).map((s) => stableSide(s.stable!));
  const out: Comparison[] = [];
  for (const s of strata) {
    const candidate = candidateSide(s);
    if (candidate.exposures === 0) continue;
    if (s.stable && s.stable.requests > 0) out.push({ candidate, control: stableSide(s.stable) });
    else if (history.length > 0) out.push({ candidate, control: sumRates(history, history[0].shardEvents.length) });
  }
  return out;
}

const errorStep = (s: ConcurrentStep): CountStep => {
  const c = errorsOf(s.candidate, s.kind);
  return { candidateEvents: c.events, candidateExposures: c.exposures, controlEvents: s.stable.errors, controlExposures: s.stable.requests };
};

const slowStep = (s: ConcurrentStep, edge: number): CountStep => {
  const c = slowerThan(s.candidate, edge, uncachedRequests);
  const b = slowerThan(s.stable, edge, uncachedRequests);
  return { candidateEvents: c.events, candidateExposures: c.exposures, controlEvents: b.events, controlExposures: b.exposures };
};

/**
 * Each check's log ratios per jump ratio, kept per check object: a rollout judges all of its checks at every check,
 * and a finished check's counts never change, so they are computed once. Keyed also by what is counted (errors, or
 * requests slower than a latency edge).
 */
const stepLogs = new WeakMap<ConcurrentStep, Map<string, Float64Array>>();
function logsOf(step: ConcurrentStep, what: string, count: () => CountStep): Float64Array {
  let byWhat = stepLogs.get(step);
  if (!byWhat) stepLogs.set(step, (byWhat = new Map()));
  let logs = byWhat.get(what);
  if (!logs) {
    const c = count();
    byWhat.set(what, (logs = Float64Array.from(JUMP_RATIOS, (theta) => stepLogRatio(c, theta))));
  }
  return logs;
}

export const errorStepLogs = (steps: ConcurrentStep[]): Float64Array[] => steps.map((s) => logsOf(s, 'errors', () => errorStep(s)));

export const slowStepLogs = (steps: ConcurrentStep[], edge: number): Float64Array[] =>
  steps.filter((s) => s.kind === 'traffic').map((s) => logsOf(s, `slow:${edge}`, () => slowStep(s, edge)));

export { KPI_SHARDS };
