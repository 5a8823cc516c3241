import type { HeldOutUser } from '../data/heldout';
import type { RankSource } from '../scoring/ranker';
import { RANKING_METRICS, rankingMetricsAtK, type RankingMetrics } from './ranking';

export interface EvaluateOptions {
  k: number;
  /** Exclude each user's training items from their ranking (the usual protocol for implicit data). */
  excludeSeen?: boolean;
}

export interface UserMetrics extends RankingMetrics {
  userId: number;
  fallback: boolean;
}

export interface EvaluationReport extends RankingMetrics {
  k: number;
  /** Users that had at least one relevant item and were averaged over. */
  users: number;
  /** Users skipped because they had no relevant item. */
  skippedUsers: number;
  /** Users the model did not know, answered by the popularity fallback. */
  fallbackUsers: number;
  /** Share of the scorer's catalogue that appears in at least one top-K list. */
  coverage: number;
  perUser: UserMetrics[];
}

/** Ranks the full catalogue for every held-out user and averages the per-user metrics (macro average). */
export async function evaluate(scorer: RankSource & { itemIds: ArrayLike<number> }, heldOut: readonly HeldOutUser[], options: EvaluateOptions): Promise<EvaluationReport> {
  const { k, excludeSeen = false } = options;
  const totals: RankingMetrics = { ndcg: 0, recall: 0, precision: 0, map: 0, hitRate: 0 };
  const recommended = new Set<number>();
  const perUser: UserMetrics[] = [];
  let skippedUsers = 0;
  let fallbackUsers = 0;

  for (const user of heldOut) {
    const relevant = new Set(user.relevant);
    if (relevant.size === 0) {
      skippedUsers++;
      continue;
    }
    const result = await scorer.topK(user.userId, k, excludeSeen ? { exclude: user.seen } : {});
    for (const item of result.items) recommended.add(item);
    const metrics = rankingMetricsAtK(result.items, relevant, k)!;
    for (const name of RANKING_METRICS) totals[name] += metrics[name];
    if (result.fallback) fallbackUsers++;
    perUser.push({ userId: user.userId, fallback: result.fallback, ...metrics });
  }

  const users = perUser.length;
  const mean = (name: keyof RankingMetrics) => (users === 0 ? 0 : totals[name] / users);
  return {
    k,
    ndcg: mean('ndcg'),
    recall: mean('recall'),
    precision: mean('precision'),
    map: mean('map'),
    hitRate: mean('hitRate'),
    users,
    skippedUsers,
    fallbackUsers,
    coverage: scorer.itemIds.length === 0 ? 0 : recommended.size / scorer.itemIds.length,
    perUser,
  };
}
