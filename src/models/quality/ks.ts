/**
 * Two-sample Kolmogorov-Smirnov test. The statistic is exact (ties handled by stepping over equal
 * values in both samples together); the p-value uses the asymptotic Kolmogorov distribution with
 * Stephens' small-sample correction, accurate to a few thousandths once both samples exceed ~20.
 */
export interface KsResult {
  /** D = sup |F_reference - F_current|, in [0, 1]. */
  statistic: number;
  pValue: number;
}

export function ksTwoSample(reference: ArrayLike<number>, current: ArrayLike<number>): KsResult {
  const a = Float64Array.from(reference).sort();
  const b = Float64Array.from(current).sort();
  const n = a.length;
  const m = b.length;
  if (n === 0 || m === 0) throw new RangeError('KS test needs two non-empty samples');

  let i = 0;
  let j = 0;
  let d = 0;
  while (i < n && j < m) {
    const x = Math.min(a[i], b[j]);
    while (i < n && a[i] === x) i++;
    while (j < m && b[j] === x) j++;
    d = Math.max(d, Math.abs(i / n - j / m));
  }
  const effective = Math.sqrt((n * m) / (n + m));
  return { statistic: d, pValue: kolmogorovSurvival((effective + 0.12 + 0.11 / effective) * d) };
}

/** P(K > lambda) for the Kolmogorov distribution, switching series where each converges fastest. */
export function kolmogorovSurvival(lambda: number): number {
  if (lambda <= 0) return 1;
  if (lambda < 1.18) {
    // Jacobi-theta form of the CDF; the alternating series below needs too many terms here.
    const c = (Math.PI * Math.PI) / (8 * lambda * lambda);
    let cdf = 0;
    for (let k = 1; k <= 7; k++) cdf += Math.exp(-(2 * k - 1) * (2 * k - 1) * c);
    return clamp01(1 - (Math.sqrt(2 * Math.PI) / lambda) * cdf);
  }
  let sum = 0;
  for (let k = 1; k <= 100; k++) {
    const term = Math.exp(-2 * k * k * lambda * lambda);
    sum += k % 2 === 1 ? term : -term;
    if (term < 1e-16) break;
  }
  return clamp01(2 * sum);
}

function clamp01(x: number): number {
  return Math.min(1, Math.max(0, x));
}
