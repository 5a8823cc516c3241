/**
 * Rate estimates whose variances come from user shards. Users are hashed into shards, so shard sums are independent
 * however a user's own requests are correlated; the variance is the delta method over shard influence values
 * (a cluster-robust sandwich with the shards as clusters). A binomial variance is its floor: for a comparison, at
 * the two arms' pooled rate, as under no difference, so an arm that had few events by chance does not shrink its own
 * variance (the Wald interval's failing on small counts); with half a pseudo-count, so no events never read as
 * certainty.
 */

/** Events over exposures in one arm of one stratum, in total and per shard. */
export interface ShardedRate {
  events: number;
  exposures: number;
  shardEvents: ArrayLike<number>;
  shardExposures: ArrayLike<number>;
}

export interface Estimate {
  estimate: number;
  variance: number;
}

const rate = (r: ShardedRate) => r.events / r.exposures;
const smoothed = (events: number, exposures: number) => (events + 0.5) / (exposures + 1);
const binomialVariance = (r: ShardedRate) => {
  const p = smoothed(r.events, r.exposures);
  return (p * (1 - p)) / r.exposures;
};
/** Both arms at their pooled rate. */
const pooledBinomialVariance = (c: ShardedRate, s: ShardedRate) => {
  const p = smoothed(c.events + s.events, c.exposures + s.exposures);
  return p * (1 - p) * (1 / c.exposures + 1 / s.exposures);
};

/** Zero without shards: a KPI recorded per request only (latency) rests on its binomial variance. */
function robustVariance(influence: Float64Array): number {
  const k = influence.length;
  if (k < 2) return 0;
  let sum = 0;
  for (let b = 0; b < k; b++) sum += influence[b] * influence[b];
  return (k / (k - 1)) * sum;
}

/** Adds each shard's influence on `rate(r)`, scaled by `weight`, into `into`. */
function addInfluence(into: Float64Array, r: ShardedRate, weight: number): void {
  const p = rate(r);
  for (let b = 0; b < into.length; b++) into[b] += (weight * (r.shardEvents[b] - p * r.shardExposures[b])) / r.exposures;
}

/** One arm's rate, pooled over strata. Null without exposures. */
export function pooledRate(arms: ShardedRate[], shards: number): Estimate | null {
  const total = sumRates(arms, shards);
  if (total.exposures === 0) return null;
  const influence = new Float64Array(shards);
  addInfluence(influence, total, 1);
  const floor = total.events <= total.exposures ? binomialVariance(total) : 0;
  return { estimate: rate(total), variance: Math.max(robustVariance(influence), floor) };
}

export function sumRates(arms: ShardedRate[], shards: number): ShardedRate {
  const shardEvents = new Float64Array(shards);
  const shardExposures = new Float64Array(shards);
  let events = 0;
  let exposures = 0;
  for (const a of arms) {
    events += a.events;
    exposures += a.exposures;
    for (let b = 0; b < shards; b++) {
      shardEvents[b] += a.shardEvents[b];
      shardExposures[b] += a.shardExposures[b];
    }
  }
  return { events, exposures, shardEvents, shardExposures };
}

export interface Comparison {
  candidate: ShardedRate;
  control: ShardedRate;
}

export interface DifferenceEstimate extends Estimate {
  /** The control's rate over the same weights: what a relative difference is relative to. */
  baseline: number;
}

/**
 * Candidate minus control, stratified: each stratum (a stage) compares its own two arms, and strata are weighted by
 * their effective sample size, so a base rate that drifts between stages does not pass for an effect. With
 * `relative`, the difference is divided by the control's rate. Null when no stratum has both arms.
 */
export function stratifiedDifference(strata: Comparison[], shards: number, relative: boolean): DifferenceEstimate | null {
  const usable = strata.filter((s) => s.candidate.exposures > 0 && s.control.exposures > 0);
  if (usable.length === 0) return null;
  const weights = usable.map((s) => 1 / (1 / s.candidate.exposures + 1 / s.control.exposures));
  const total = weights.reduce((a, b) => a + b, 0);
  let diff = 0;
  let baseline = 0;
  let floor = 0;
  const dInfluence = new Float64Array(shards);
  const bInfluence = new Float64Array(shards);
  usable.forEach((s, i) => {
    const w = weights[i] / total;
    diff += w * (rate(s.candidate) - rate(s.control));
    baseline += w * rate(s.control);
    floor += w * w * pooledBinomialVariance(s.candidate, s.control);
    addInfluence(dInfluence, s.candidate, w);
    addInfluence(dInfluence, s.control, -w);
    addInfluence(bInfluence, s.control, w);
  });
  if (!relative) return { estimate: diff, variance: Math.max(robustVariance(dInfluence), floor), baseline };
  if (baseline <= 0) return null;
  const ratio = diff / baseline;
  const influence = new Float64Array(shards);
  for (let b = 0; b < shards; b++) influence[b] = (dInfluence[b] - ratio * bInfluence[b]) / baseline;
  return { estimate: ratio, variance: Math.max(robustVariance(influence), floor / (baseline * baseline)), baseline };
}
