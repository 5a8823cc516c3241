/**
 * How many distinct users a set of samples holds, from a k-minimum-values sketch: the k smallest 32-bit hashes of the
 * user ids. Sketches merge by keeping the k smallest of both, and merging one twice changes nothing, so a rollout can
 * keep one per version however its checks are re-read. Exact below k users; above, the relative error is about
 * 1/sqrt(k - 2) (9% for k = 128). It only describes an arm's size; no verdict depends on it.
 */
export const SKETCH_SIZE = 128;
const TWO_32 = 2 ** 32;

/** murmur3's 32-bit finaliser: spreads consecutive ids over the whole range. */
function hash32(x: number): number {
  let h = x | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** The k smallest distinct values of both, ascending. */
export function mergeSketches(a: readonly number[], b: readonly number[], k = SKETCH_SIZE): number[] {
  return [...new Set([...a, ...b])].sort((x, y) => x - y).slice(0, k);
}

export const sketchOf = (users: Iterable<number>, k = SKETCH_SIZE): number[] => mergeSketches([], [...users].map(hash32), k);

export function estimateDistinct(sketch: readonly number[], k = SKETCH_SIZE): number {
  if (sketch.length < k) return sketch.length;
  return Math.round(((k - 1) * TWO_32) / (sketch[k - 1]! + 1));
}
