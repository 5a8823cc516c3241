/** One model's measured latency: nearest-rank quantiles over the sampled users, in microseconds. */
export interface LatencyQuantiles {
  p50Us: number;
  p95Us: number;
  p99Us: number;
}

export interface LatencyLimits {
  /** Absolute p99 ceiling; far above what the machine's noise reaches. */
  ceilingMs: number;
  /** Largest allowed candidate p95 / champion p95 when both were measured in the same run. */
  maxRatio: number;
}

/**
 * What the latency check concludes. `model`: the candidate itself is too slow, which is final. `environment`: the
 * measurement cannot tell the model from the machine it ran on, so the gate fails without deciding about the model,
 * and the same version may be run again.
 */
export type LatencyJudgement =
  | { verdict: 'pass'; ratio: number | null; reason: string }
  | { verdict: 'fail'; cause: 'model' | 'environment'; ratio: number | null; reason: string };

/**
 * Judges the candidate against the champion measured beside it, and both against the ceiling.
 * - With a champion: the champion has passed this gate before, so its own p99 over the ceiling says the machine was
 *   too slow for a comparison to mean anything: environment. Otherwise a p95 ratio above `maxRatio` is the model's
 *   (both ran interleaved on the same machine, so a slow machine slowed both alike); a ratio within it with a p99
 *   over the ceiling means the machine was slow: environment.
 * - Without a champion only the ceiling applies. A tail over it with a median under it is what a loaded machine does
 *   (requests that waited for the core); a median over it too means most requests are slow: the model.
 */
export function judgeLatency(candidate: LatencyQuantiles, champion: LatencyQuantiles | null, limits: LatencyLimits): LatencyJudgement {
  const ceilingUs = limits.ceilingMs * 1000;
  const ceiling = `the ceiling ${limits.ceilingMs} ms`;
  const overCeiling = candidate.p99Us > ceilingUs;
  if (champion) {
    const ratio = latencyRatio(candidate.p95Us, champion.p95Us);
    const ratioText = `p95 ratio to the champion ${ratio}`;
    if (champion.p99Us > ceilingUs) {
      return { verdict: 'fail', cause: 'environment', ratio, reason: `the champion's own p99 is over ${ceiling}: the machine was too slow to compare them` };
    }
    if (ratio > limits.maxRatio) return { verdict: 'fail', cause: 'model', ratio, reason: `${ratioText} > ${limits.maxRatio}` };
    if (overCeiling) return { verdict: 'fail', cause: 'environment', ratio, reason: `p99 over ${ceiling} while the ${ratioText} ≤ ${limits.maxRatio}: the machine was slow` };
    return { verdict: 'pass', ratio, reason: `${ratioText} ≤ ${limits.maxRatio}, p99 ≤ ${ceiling}` };
  }
  if (!overCeiling) return { verdict: 'pass', ratio: null, reason: `no champion; p99 ≤ ${ceiling}` };
  if (candidate.p50Us > ceilingUs) return { verdict: 'fail', cause: 'model', ratio: null, reason: `no champion; p50 and p99 over ${ceiling}` };
  return { verdict: 'fail', cause: 'environment', ratio: null, reason: `no champion; p99 over ${ceiling} with p50 under it: the machine was slow` };
}

/**
 * Candidate over champion, to 2 decimals. A champion at 0 (below the clock's resolution) cannot be a denominator:
 * the ratio is then 1 if the candidate is also 0, else infinite.
 */
export function latencyRatio(candidateUs: number, championUs: number): number {
  if (championUs <= 0) return candidateUs <= 0 ? 1 : Infinity;
  return Math.round((candidateUs / championUs) * 100) / 100;
}

/** Nearest-rank quantile of sorted values: an observed latency, never an interpolated one. */
export function quantile(sorted: ArrayLike<number>, q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}
