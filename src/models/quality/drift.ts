import { ksTwoSample, type KsResult } from './ks';

/**
 * Distribution drift between a reference sample (what the model was trained or validated on) and a
 * current one. Thresholds and their rationale are in docs/drift.md.
 */
export const DRIFT_THRESHOLDS = {
  /** PSI above this is a significant shift (0.1-0.2 is the conventional "moderate" band). */
  psi: 0.2,
  /** KS flags drift only when both the p-value is below this... */
  ksPValue: 0.01,
  /** ...and the largest CDF gap exceeds this, so huge samples do not flag negligible shifts. */
  ksStatistic: 0.1,
  /** Jensen-Shannon divergence (base 2, so within [0, 1]) above this. */
  jensenShannon: 0.1,
} as const;

/**
 * Interior cut points at the reference's j/bins quantiles (lower order statistic), duplicates
 * removed, so discrete data yields fewer, never empty-by-construction, bins.
 */
export function quantileEdges(reference: ArrayLike<number>, bins: number): number[] {
  if (!Number.isInteger(bins) || bins < 2) throw new RangeError(`bins must be an integer >= 2, got ${bins}`);
  const sorted = Float64Array.from(reference).sort();
  if (sorted.length === 0) throw new RangeError('cannot derive bins from an empty reference');
  const edges: number[] = [];
  for (let j = 1; j < bins; j++) {
    const edge = sorted[Math.floor((j * sorted.length) / bins)];
    if (edge > sorted[0] && edge !== edges[edges.length - 1]) edges.push(edge);
  }
  return edges;
}

/** Share of values per bin; bin b is [edges[b-1], edges[b]) with open ends at both extremes. */
export function binShares(values: ArrayLike<number>, edges: readonly number[]): Float64Array {
  const shares = new Float64Array(edges.length + 1);
  for (let i = 0; i < values.length; i++) {
    let lo = 0;
    let hi = edges.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (edges[mid] <= values[i]) lo = mid + 1;
      else hi = mid;
    }
    shares[lo]++;
  }
  for (let b = 0; b < shares.length; b++) shares[b] /= values.length;
  return shares;
}

export interface BinningOptions {
  bins?: number;
  /** Floor on bin shares so that an empty bin gives a large but finite PSI. */
  epsilon?: number;
}

/** Population stability index: sum over bins of (cur - ref) ln(cur / ref), bins from reference quantiles. */
export function psi(reference: ArrayLike<number>, current: ArrayLike<number>, options: BinningOptions = {}): number {
  const edges = quantileEdges(reference, options.bins ?? 10);
  const epsilon = options.epsilon ?? 1e-4;
  const ref = binShares(reference, edges);
  const cur = binShares(current, edges);
  let total = 0;
  for (let b = 0; b < ref.length; b++) {
    const r = Math.max(ref[b], epsilon);
    const c = Math.max(cur[b], epsilon);
    total += (c - r) * Math.log(c / r);
  }
  return total;
}

/** Jensen-Shannon divergence in bits between two histograms (normalised here, so counts are fine). */
export function jensenShannon(p: ArrayLike<number>, q: ArrayLike<number>): number {
  if (p.length !== q.length) throw new RangeError(`histograms differ in length: ${p.length} vs ${q.length}`);
  const sp = sum(p);
  const sq = sum(q);
  if (sp <= 0 || sq <= 0) throw new RangeError('histograms must have positive mass');
  let js = 0;
  for (let i = 0; i < p.length; i++) {
    const a = p[i] / sp;
    const b = q[i] / sq;
    const m = (a + b) / 2;
    if (a > 0) js += 0.5 * a * Math.log2(a / m);
    if (b > 0) js += 0.5 * b * Math.log2(b / m);
  }
  return Math.max(0, js);
}

/** JS divergence of two numeric samples, binned on the reference's quantiles. */
export function jsDivergence(reference: ArrayLike<number>, current: ArrayLike<number>, options: BinningOptions = {}): number {
  const edges = quantileEdges(reference, options.bins ?? 10);
  return jensenShannon(binShares(reference, edges), binShares(current, edges));
}

/** JS divergence of two categorical samples (e.g. item ids), over the union of their categories. */
export function jsDivergenceCategorical(reference: Iterable<number>, current: Iterable<number>): number {
  const counts = new Map<number, [number, number]>();
  const tally = (values: Iterable<number>, side: 0 | 1) => {
    for (const v of values) {
      let pair = counts.get(v);
      if (!pair) counts.set(v, (pair = [0, 0]));
      pair[side]++;
    }
  };
  tally(reference, 0);
  tally(current, 1);
  const pairs = [...counts.values()];
  return jensenShannon(
    pairs.map((pair) => pair[0]),
    pairs.map((pair) => pair[1]),
  );
}

export interface DriftReport {
  psi: number;
  ks: KsResult;
  jensenShannon: number;
  drifted: { psi: boolean; ks: boolean; jensenShannon: boolean };
  /** True when any statistic crosses its threshold. */
  drift: boolean;
}

export function driftReport(
  reference: ArrayLike<number>,
  current: ArrayLike<number>,
  options: BinningOptions & { thresholds?: Partial<typeof DRIFT_THRESHOLDS> } = {},
): DriftReport {
  const t = { ...DRIFT_THRESHOLDS, ...options.thresholds };
  const report = {
    psi: psi(reference, current, options),
    ks: ksTwoSample(reference, current),
    jensenShannon: jsDivergence(reference, current, options),
  };
  const drifted = {
    psi: report.psi > t.psi,
    ks: report.ks.pValue < t.ksPValue && report.ks.statistic > t.ksStatistic,
    jensenShannon: report.jensenShannon > t.jensenShannon,
  };
  return { ...report, drifted, drift: drifted.psi || drifted.ks || drifted.jensenShannon };
}

function sum(values: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i];
  return s;
}
