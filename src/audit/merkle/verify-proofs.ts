import { nodeHash } from './tree-hash';

/**
 * RFC 9162 §2.1.3.2: whether `proof` places the leaf with hash `leaf` at `index` of the tree of `size` leaves whose
 * root is `root`. Plain arithmetic instead of bit operators: sizes may pass 2^31.
 */
export function inclusionHolds(leaf: Buffer, index: number, size: number, proof: Buffer[], root: Buffer): boolean {
  if (!(Number.isSafeInteger(index) && Number.isSafeInteger(size) && index >= 0 && index < size)) return false;
  let [fn, sn, r] = [index, size - 1, leaf];
  for (const p of proof) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      while (fn % 2 === 0 && fn !== 0) [fn, sn] = [fn / 2, Math.floor(sn / 2)];
    } else {
      r = nodeHash(r, p);
    }
    [fn, sn] = [Math.floor(fn / 2), Math.floor(sn / 2)];
  }
  return sn === 0 && r.equals(root);
}

/** RFC 9162 §2.1.4.2: whether `proof` shows the tree of `size` leaves with `root` extends the one of `old` with `oldRoot`. */
export function consistencyHolds(old: number, size: number, proof: Buffer[], oldRoot: Buffer, root: Buffer): boolean {
  if (!(Number.isSafeInteger(old) && Number.isSafeInteger(size) && old >= 0 && old <= size)) return false;
  if (old === size) return proof.length === 0 && oldRoot.equals(root);
  if (old === 0) return proof.length === 0;
  if (proof.length === 0) return false;
  const path = 2 ** Math.round(Math.log2(old)) === old ? [oldRoot, ...proof] : proof;
  let [fn, sn] = [old - 1, size - 1];
  while (fn % 2 === 1) [fn, sn] = [Math.floor(fn / 2), Math.floor(sn / 2)];
  let [fr, sr] = [path[0]!, path[0]!];
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      while (fn % 2 === 0 && fn !== 0) [fn, sn] = [fn / 2, Math.floor(sn / 2)];
    } else {
      sr = nodeHash(sr, c);
    }
    [fn, sn] = [Math.floor(fn / 2), Math.floor(sn / 2)];
  }
  return fr.equals(oldRoot) && sr.equals(root) && sn === 0;
}
