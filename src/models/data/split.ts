import { selectRows, type Interactions } from './interactions';

export interface Split {
  train: Interactions;
  test: Interactions;
}

/**
 * Per-user temporal hold-out: each user's last `n` interactions (by timestamp, then file order) form
 * the test set. Users with `n` interactions or fewer stay entirely in train, since a user with no
 * history cannot be evaluated as a known user. Both sides keep the input's row order.
 */
export function leaveLastNSplit(data: Interactions, n: number): Split {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`n must be a positive integer, got ${n}`);
  const { users, timestamps } = data;
  const order = Int32Array.from(users.keys());
  // The row index as last key makes the order total, so the split never depends on sort stability.
  order.sort((a, b) => users[a] - users[b] || timestamps[a] - timestamps[b] || a - b);

  const isTest = new Uint8Array(users.length);
  for (let start = 0; start < order.length; ) {
    let end = start;
    while (end < order.length && users[order[end]] === users[order[start]]) end++;
    if (end - start > n) for (let i = end - n; i < end; i++) isTest[order[i]] = 1;
    start = end;
  }
  return partition(data, isTest);
}

export type TimeCut = { cutTimestamp: number } | { testFraction: number };

/**
 * Global temporal hold-out: everything at or after the cut is test. With `testFraction` the cut is
 * the timestamp below which (1 - fraction) of the interactions fall, so ties at the cut go to test.
 */
export function globalTimeSplit(data: Interactions, cut: TimeCut): Split & { cutTimestamp: number } {
  let cutTimestamp: number;
  if ('cutTimestamp' in cut) {
    cutTimestamp = cut.cutTimestamp;
  } else {
    const { testFraction } = cut;
    if (!(testFraction > 0 && testFraction < 1)) throw new RangeError(`testFraction must be in (0, 1), got ${testFraction}`);
    if (data.timestamps.length === 0) throw new RangeError('cannot derive a time cut from an empty dataset');
    const sorted = data.timestamps.slice().sort();
    cutTimestamp = sorted[Math.min(sorted.length - 1, Math.floor((1 - testFraction) * sorted.length))];
  }
  const isTest = new Uint8Array(data.timestamps.length);
  for (let r = 0; r < isTest.length; r++) isTest[r] = data.timestamps[r] >= cutTimestamp ? 1 : 0;
  return { ...partition(data, isTest), cutTimestamp };
}

function partition(data: Interactions, isTest: Uint8Array): Split {
  const trainRows: number[] = [];
  const testRows: number[] = [];
  for (let r = 0; r < isTest.length; r++) (isTest[r] ? testRows : trainRows).push(r);
  return { train: selectRows(data, trainRows), test: selectRows(data, testRows) };
}
