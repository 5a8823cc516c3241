import { isPowerOfTwo, nodeHash, splitPoint } from './tree-hash';

/** Leaves [lo, hi) of a tree: always a subtree RFC 9162 names, i.e. aligned on its left and cut at most by the tree size. */
export interface Range {
  lo: number;
  hi: number;
}

/** A complete subtree: 2^level leaves starting at index * 2^level. */
export interface NodeId {
  level: number;
  index: number;
}

/** Hash of a complete subtree, from wherever the caller keeps them (tiles, memory). */
export type NodeSource = (node: NodeId) => Buffer;

/** The complete subtrees a range is made of, left to right, largest first. */
export function rangeNodes({ lo, hi }: Range): NodeId[] {
  const nodes: NodeId[] = [];
  let at = lo;
  while (at < hi) {
    let size = 1;
    while (at % (size * 2) === 0 && at + size * 2 <= hi) size *= 2;
    const level = Math.round(Math.log2(size));
    nodes.push({ level, index: at / size });
    at += size;
  }
  return nodes;
}

/** MTH(D[lo:hi]) of RFC 9162 §2.1.1, from the hashes of complete subtrees. */
export function rangeHash(range: Range, node: NodeSource): Buffer {
  const n = range.hi - range.lo;
  if (n <= 0) throw new Error(`empty range [${range.lo}, ${range.hi})`);
  if (isPowerOfTwo(n) && range.lo % n === 0) return node({ level: Math.round(Math.log2(n)), index: range.lo / n });
  const k = splitPoint(n);
  return nodeHash(rangeHash({ lo: range.lo, hi: range.lo + k }, node), rangeHash({ lo: range.lo + k, hi: range.hi }, node));
}

/** The subtrees whose hashes prove leaf `index` in a tree of `size` leaves, leaf's sibling first (RFC 9162 §2.1.3.1). */
export function inclusionRanges(index: number, size: number): Range[] {
  if (!(index >= 0 && index < size)) throw new RangeError(`leaf ${index} is not in a tree of ${size} leaves`);
  const path: Range[] = [];
  let [lo, hi, m] = [0, size, index];
  while (hi - lo > 1) {
    const k = splitPoint(hi - lo);
    if (m < k) {
      path.push({ lo: lo + k, hi });
      hi = lo + k;
    } else {
      path.push({ lo, hi: lo + k });
      lo += k;
      m -= k;
    }
  }
  return path.reverse();
}

/** The subtrees whose hashes prove a tree of `size` extends the tree of its first `old` leaves (RFC 9162 §2.1.4.1). */
export function consistencyRanges(old: number, size: number): Range[] {
  if (!(old >= 0 && old <= size)) throw new RangeError(`a tree of ${old} leaves cannot be a prefix of one of ${size}`);
  if (old === 0 || old === size) return [];
  const path: Range[] = [];
  let [lo, hi, m, whole] = [0, size, old, true];
  while (m !== hi - lo) {
    const k = splitPoint(hi - lo);
    if (m <= k) {
      path.push({ lo: lo + k, hi });
      hi = lo + k;
    } else {
      path.push({ lo, hi: lo + k });
      lo += k;
      m -= k;
      whole = false;
    }
  }
  if (!whole) path.push({ lo, hi });
  return path.reverse();
}
