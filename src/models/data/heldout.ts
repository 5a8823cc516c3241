import type { Interactions } from './interactions';

/** One evaluation case: what the user interacted with after training (relevant) and before (seen). */
export interface HeldOutUser {
  userId: number;
  /** Distinct item ids not already in the user's training history, in first-occurrence order. */
  relevant: number[];
  /** Distinct item ids from the training data; excluded from rankings when evaluating with excludeSeen. */
  seen: number[];
}

export interface HeldOutOptions {
  /** Test interactions rated below this are not relevant (0 keeps every interaction). */
  minRating?: number;
  /** Drop users absent from train, i.e. evaluate known users only. */
  requireTrainHistory?: boolean;
}

/** Groups a train/test split into per-user evaluation cases, sorted by user id for reproducible runs. */
export function buildHeldOut(train: Interactions, test: Interactions, options: HeldOutOptions = {}): HeldOutUser[] {
  const minRating = options.minRating ?? 0;
  const seen = groupByUser(train, () => true);
  const relevant = groupByUser(test, (r) => test.ratings[r] >= minRating);
  const cases: HeldOutUser[] = [];
  for (const [userId, items] of relevant) {
    const history = seen.get(userId);
    if (options.requireTrainHistory && !history) continue;
    // Re-consumption is not what this evaluates, and seen items may be excluded from rankings anyway.
    const fresh = history ? [...items].filter((item) => !history.has(item)) : [...items];
    if (fresh.length > 0) cases.push({ userId, relevant: fresh, seen: history ? [...history] : [] });
  }
  return cases.sort((a, b) => a.userId - b.userId);
}

function groupByUser(data: Interactions, keep: (row: number) => boolean): Map<number, Set<number>> {
  const groups = new Map<number, Set<number>>();
  for (let r = 0; r < data.users.length; r++) {
    if (!keep(r)) continue;
    let items = groups.get(data.users[r]);
    if (!items) groups.set(data.users[r], (items = new Set()));
    items.add(data.items[r]);
  }
  return groups;
}
