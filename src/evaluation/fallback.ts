import type { Check } from '../contracts/evidence';
import type { Ranker } from '../models';
import { judged } from './checks';

/**
 * A user the model has never seen must still get a full, clean list from the popularity fallback:
 * an empty or NaN-scored answer would reach real users on their first visit.
 */
export async function unknownUserCheck(ranker: Ranker, k: number): Promise<Check> {
  const userId = unknownUserId(ranker);
  const result = await ranker.topK(userId, k);
  const expectedItems = Math.min(k, ranker.itemIds.length);
  const nonFiniteScores = result.scores.filter((s) => !Number.isFinite(s)).length;
  const duplicateItems = result.items.length - new Set(result.items).size;
  // A model that knows no user (popularity) scores everyone the same way; for it there is no separate fallback path.
  const fallbackOk = result.fallback || ranker.userIds.length === 0;

  const problems: string[] = [];
  if (result.items.length === 0 || result.items.length !== expectedItems) problems.push(`${result.items.length} items, expected ${expectedItems}`);
  if (!fallbackOk) problems.push('not answered by the fallback');
  if (nonFiniteScores > 0) problems.push(`${nonFiniteScores} non-finite scores`);
  if (duplicateItems > 0) problems.push(`${duplicateItems} duplicate items`);
  return judged(
    'unknown_user_fallback',
    problems.length === 0,
    { userId, items: result.items.length, expectedItems, fallback: result.fallback, nonFiniteScores, duplicateItems },
    { k },
    problems.length === 0
      ? `unknown user ${userId}: ${result.items.length} fallback items, finite scores, no duplicates`
      : `unknown user ${userId}: ${problems.join('; ')}`,
  );
}

/** The next id after the largest the model knows: what a newly registered user would look like. */
function unknownUserId(ranker: Ranker): number {
  let max = 0;
  for (const id of ranker.userIds) if (id > max) max = id;
  return Math.floor(max) + 1;
}
