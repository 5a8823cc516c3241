/**
 * Always-valid inference for an asymptotically normal estimate: the confidence sequence obtained by inverting the
 * normal-mixture sequential probability ratio test (Robbins 1970; Johari, Pekelis and Walsh 2017). With the mixing
 * scale `tau` set to the smallest effect worth catching, the interval stays valid however often it is looked at:
 * the chance that the true value ever leaves it, over every look of the rollout, is at most `alpha`.
 */
export function mixtureRadius(variance: number, tau: number, alpha: number): number {
  if (!Number.isFinite(variance) || variance < 0) return Infinity;
  if (variance === 0) return 0;
  const t2 = tau * tau;
  return Math.sqrt(((variance * (variance + t2)) / t2) * (2 * Math.log(1 / alpha) + Math.log((variance + t2) / variance)));
}

export interface Interval {
  lower: number;
  upper: number;
}

export function confidenceSequence(estimate: number, variance: number, tau: number, alpha: number): Interval {
  const r = mixtureRadius(variance, tau, alpha);
  return { lower: estimate - r, upper: estimate + r };
}
