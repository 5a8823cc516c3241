/**
 * Binary-relevance ranking metrics at a cut-off K for one user. Conventions (docs/model-quality.md):
 * - only the first K recommendations count; a shorter list is not padded with hits;
 * - an item repeated in the ranking counts once, at its first position;
 * - precision divides by K even if fewer than K items were recommended;
 * - recall divides by |relevant|; NDCG and MAP normalise by the best achievable with min(K, |relevant|)
 *   hits, so a user with fewer than K relevant items can still reach 1.
 */
export interface RankingMetrics {
  ndcg: number;
  recall: number;
  precision: number;
  map: number;
  hitRate: number;
}

export const RANKING_METRICS = ['ndcg', 'recall', 'precision', 'map', 'hitRate'] as const;

/** Undefined when there is nothing relevant: such a user carries no signal and must not count as 0. */
export function rankingMetricsAtK(ranked: readonly number[], relevant: ReadonlySet<number>, k: number): RankingMetrics | undefined {
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`k must be a positive integer, got ${k}`);
  if (relevant.size === 0) return undefined;

  const counted = new Set<number>();
  let hits = 0;
  let dcg = 0;
  let precisionSum = 0;
  const depth = Math.min(k, ranked.length);
  for (let i = 0; i < depth; i++) {
    const item = ranked[i];
    if (!relevant.has(item) || counted.has(item)) continue;
    counted.add(item);
    hits++;
    dcg += 1 / Math.log2(i + 2);
    precisionSum += hits / (i + 1);
  }

  const ideal = Math.min(k, relevant.size);
  let idcg = 0;
  for (let i = 0; i < ideal; i++) idcg += 1 / Math.log2(i + 2);
  return {
    ndcg: dcg / idcg,
    recall: hits / relevant.size,
    precision: hits / k,
    map: precisionSum / ideal,
    hitRate: hits > 0 ? 1 : 0,
  };
}
