import { mulberry32 } from '../prng';

export interface PairedDifference {
  /** Mean of a[i] - b[i]. */
  mean: number;
  /** Percentile-bootstrap confidence interval of the mean difference. */
  low: number;
  high: number;
  confidence: number;
}

/**
 * Paired bootstrap over users: resampling users (not metric values independently) keeps each user's
 * two scores together, which is what makes small per-user gains distinguishable from noise. Seeded,
 * so a report's interval is reproducible.
 */
export function pairedBootstrap(
  a: readonly number[],
  b: readonly number[],
  options: { resamples?: number; confidence?: number; seed?: number } = {},
): PairedDifference {
  if (a.length !== b.length || a.length === 0) throw new RangeError('need two non-empty samples of equal length');
  const resamples = options.resamples ?? 2000;
  const confidence = options.confidence ?? 0.95;
  const rng = mulberry32(options.seed ?? 1);
  const n = a.length;
  const diff = a.map((x, i) => x - b[i]);
  const means = new Float64Array(resamples);
  for (let s = 0; s < resamples; s++) {
    let total = 0;
    for (let j = 0; j < n; j++) total += diff[Math.floor(rng() * n)];
    means[s] = total / n;
  }
  means.sort();
  const tail = (1 - confidence) / 2;
  const at = (q: number) => means[Math.min(resamples - 1, Math.max(0, Math.floor(q * resamples)))];
  return {
    mean: diff.reduce((sum, x) => sum + x, 0) / n,
    low: at(tail),
    high: at(1 - tail),
    confidence,
  };
}
