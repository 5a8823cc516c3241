/** Number formatting for the one-line check summaries people read in approval emails. */

/** Three decimals for metric-sized values, two significant digits below 0.01 so tiny values do not print as 0.000. */
export function num(x: number | null): string {
  if (x === null || !Number.isFinite(x)) return 'n/a';
  const abs = Math.abs(x);
  if (abs === 0) return '0';
  if (abs < 0.01) return x.toPrecision(2);
  if (abs < 10) return x.toFixed(3);
  return x.toFixed(abs < 1000 ? 1 : 0);
}

/** Percent with one decimal at most: "5%", "2.5%". */
export function pct(share: number | null): string {
  return share === null || !Number.isFinite(share) ? 'n/a' : `${Number((share * 100).toFixed(1))}%`;
}

export function signedPct(share: number | null): string {
  return share === null || !Number.isFinite(share) ? 'n/a' : `${share >= 0 ? '+' : '−'}${Math.abs(share * 100).toFixed(1)}%`;
}

export function signed(x: number): string {
  return `${x >= 0 ? '+' : '−'}${num(Math.abs(x))}`;
}
