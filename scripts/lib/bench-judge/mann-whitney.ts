/**
 * The Mann-Whitney U test in the manner of Kayenta's default classifier: per metric, the candidate's per-interval
 * values against stable's, two-sided at 98%, failing only when the candidate is significantly worse.
 */
import { normalCdf } from './random';

/** Two-sided p-value (normal approximation with a tie correction) and whether the candidate's values run higher. */
export function mannWhitney(candidate: number[], control: number[]): { p: number; candidateHigher: boolean } {
  const n1 = candidate.length;
  const n2 = control.length;
  if (n1 === 0 || n2 === 0) return { p: 1, candidateHigher: false };
  const all = [...candidate.map((v) => ({ v, c: true })), ...control.map((v) => ({ v, c: false }))].sort((a, b) => a.v - b.v);
  let rankSum = 0;
  let tieTerm = 0;
  for (let i = 0; i < all.length; ) {
    let j = i;
    while (j < all.length && all[j].v === all[i].v) j++;
    const rank = (i + j + 1) / 2;
    for (let k = i; k < j; k++) if (all[k].c) rankSum += rank;
    const t = j - i;
    tieTerm += t * t * t - t;
    i = j;
  }
  const u = rankSum - (n1 * (n1 + 1)) / 2;
  const mean = (n1 * n2) / 2;
  const n = n1 + n2;
  const variance = ((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1)));
  if (variance <= 0) return { p: 1, candidateHigher: false };
  const z = (Math.abs(u - mean) - 0.5) / Math.sqrt(variance);
  return { p: Math.min(1, 2 * (1 - normalCdf(Math.max(0, z)))), candidateHigher: u > mean };
}
