/**
 * One check interval of simulated traffic: per shard and arm, Poisson counts of errors, successes and other
 * requests, and the arm's latency histogram. Errors are independent per request; successes carry the users'
 * propensities. A shadow stage mirrors the shadow share's requests to the candidate and serves stable's answers.
 */
import { addCounters, emptyCounters, KPI_SHARDS, LATENCY_BOUNDS_MS, type KpiCounters } from '../../../src/contracts/kpi';
import type { Stage } from '../../../src/contracts/pipeline-spec';
import type { Rng } from '../../../src/models/prng';
import { cell, type Assignment } from './population';
import { binomial, normalCdf, poisson } from './random';

export interface Effects {
  /** Multiplies each user's success propensity. */
  success: number;
  /** Multiplies the error rate. */
  errors: number;
  /** Multiplies every latency. */
  latency: number;
}

export interface ServiceModel {
  errorRate: number;
  latencyMedianMs: number;
  latencySigma: number;
}

/** Probability of each latency bucket for a log-normal latency, tail first, as the histogram chain draws it. */
export function latencyBuckets(model: ServiceModel, factor: number): Float64Array {
  const mu = Math.log(model.latencyMedianMs * factor);
  const cdf = (ms: number) => normalCdf((Math.log(ms) - mu) / model.latencySigma);
  const p = new Float64Array(LATENCY_BOUNDS_MS.length + 1);
  let previous = 0;
  LATENCY_BOUNDS_MS.forEach((bound, i) => {
    const c = cdf(bound);
    p[i] = c - previous;
    previous = c;
  });
  p[LATENCY_BOUNDS_MS.length] = 1 - previous;
  return p;
}

function drawHistogram(rng: Rng, n: number, buckets: Float64Array, into: number[]): void {
  let left = n;
  let mass = 1;
  for (let i = buckets.length - 1; i > 0 && left > 0; i--) {
    const k = binomial(rng, left, Math.min(1, buckets[i] / mass));
    into[i] += k;
    left -= k;
    mass -= buckets[i];
  }
  into[0] += left;
}

export interface ArmModel {
  errorRate: number;
  successFactor: number;
  latency: Float64Array;
}

export interface CheckDraw {
  candidate: KpiCounters;
  stable: KpiCounters | null;
}

function drawServed(rng: Rng, a: Assignment, inBand: (band: number) => boolean, arm: ArmModel, seconds: number, into: KpiCounters): void {
  const bands = a.bands.length;
  for (let s = 0; s < KPI_SHARDS; s++) {
    let rate = 0;
    let successRate = 0;
    for (let b = 0; b < bands; b++) {
      if (!inBand(b)) continue;
      rate += a.rate[cell(s, b, bands)];
      successRate += a.successRate[cell(s, b, bands)];
    }
    const answered = rate * seconds * (1 - arm.errorRate);
    const successMean = successRate * seconds * arm.successFactor * (1 - arm.errorRate);
    const errors = poisson(rng, rate * seconds * arm.errorRate);
    const successes = poisson(rng, successMean);
    const requests = errors + successes + poisson(rng, answered - successMean);
    into.shardRequests[s] += requests;
    into.shardErrors[s] += errors;
    into.shardSuccesses[s] += successes;
    into.requests += requests;
    into.errors += errors;
    into.successes += successes;
    into.feedback += successes;
  }
  // The simulated service has no cache: every request is ranked by the version that answers it, so the uncached
  // histogram, the one the comparison with stable reads, holds the same draws as the histogram of every request.
  const before = [...into.latency];
  drawHistogram(rng, into.requests, arm.latency, into.latency);
  into.latency.forEach((n, i) => (into.uncachedLatency[i] += n - before[i]));
}

function drawShadow(rng: Rng, a: Assignment, share: number, arm: ArmModel, seconds: number, into: KpiCounters): void {
  const rate = a.shadowRate.get(share)!;
  for (let s = 0; s < KPI_SHARDS; s++) {
    const errors = poisson(rng, rate[s] * seconds * arm.errorRate);
    const answered = poisson(rng, rate[s] * seconds * (1 - arm.errorRate));
    into.shardShadowRequests[s] += errors + answered;
    into.shardShadowErrors[s] += errors;
    into.shadowRequests += errors + answered;
    into.shadowErrors += errors;
  }
}

/** A check's new counts, for a stage serving `stage.percent` of users (the lowest bands) to the candidate. */
export function drawCheck(rng: Rng, a: Assignment, stage: Stage, seconds: number, candidate: ArmModel, stable: ArmModel): CheckDraw {
  const c = emptyCounters();
  if (stage.kind === 'shadow') {
    const s = emptyCounters();
    drawServed(rng, a, () => true, stable, seconds, s);
    drawShadow(rng, a, stage.percent / 100, candidate, seconds, c);
    return { candidate: c, stable: s };
  }
  const share = stage.percent / 100 + 1e-9;
  drawServed(rng, a, (b) => a.bands[b] <= share, candidate, seconds, c);
  if (stage.percent >= 100) return { candidate: c, stable: null };
  const s = emptyCounters();
  drawServed(rng, a, (b) => a.bands[b] > share, stable, seconds, s);
  return { candidate: c, stable: s };
}

export function accumulate(into: { candidate: KpiCounters; stable: KpiCounters | null }, draw: CheckDraw): void {
  addCounters(into.candidate, draw.candidate);
  if (draw.stable) addCounters(into.stable ?? (into.stable = emptyCounters()), draw.stable);
}
