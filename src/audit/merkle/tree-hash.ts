import { createHash, hash } from 'node:crypto';

/** RFC 9162 §2.1.1: leaves and interior nodes hash under distinct one-byte prefixes, so neither can pose as the other. */
const LEAF_PREFIX = Buffer.from([0x00]);
const NODE_PREFIX = Buffer.from([0x01]);

export const HASH_BYTES = 32;

/** The root of the empty tree: the hash of the empty string. */
export const EMPTY_ROOT = createHash('sha256').digest();

// One-shot hashing of one buffer: a proof on a long log hashes hundreds of nodes, and a stream per hash costs a third more.
export function leafHash(leaf: Uint8Array): Buffer {
  return hash('sha256', Buffer.concat([LEAF_PREFIX, leaf]), 'buffer');
}

export function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  const input = Buffer.allocUnsafe(1 + left.length + right.length);
  input[0] = NODE_PREFIX[0]!;
  input.set(left, 1);
  input.set(right, 1 + left.length);
  return hash('sha256', input, 'buffer');
}

/** The largest power of two strictly below n (n > 1): where RFC 9162 splits a tree of n leaves. */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** Sizes reach past 2^31, where JavaScript's bitwise operators stop working: plain arithmetic throughout. */
export function isPowerOfTwo(n: number): boolean {
  return Number.isSafeInteger(n) && n > 0 && 2 ** Math.round(Math.log2(n)) === n;
}
