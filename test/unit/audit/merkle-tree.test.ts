import { createHash } from 'node:crypto';
import { CompactTree } from '../../../src/audit/merkle/compact-tree';
import { consistencyRanges, inclusionRanges, rangeHash, type NodeSource } from '../../../src/audit/merkle/subtrees';
import { TileRows, tileNodeSource, tilesFor, tileId, TILE_WIDTH, type Tile } from '../../../src/audit/merkle/tiles';
import { EMPTY_ROOT, leafHash, nodeHash } from '../../../src/audit/merkle/tree-hash';
import { consistencyHolds, inclusionHolds } from '../../../src/audit/merkle/verify-proofs';
import { rangeNodes } from '../../../src/audit/merkle/subtrees';

/**
 * The leaf inputs and tree roots published with RFC 6962's reference implementation (and kept as test data by
 * transparency-dev/merkle): roots of the trees of the first 0..8 of these leaves.
 */
const RFC6962_LEAVES = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map((h) => Buffer.from(h, 'hex'));
const RFC6962_ROOTS = [
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];

/** RFC 9162 §2.1.1 MTH, written straight from its recursive definition: the reference the fast code is held to. */
function mth(leaves: Buffer[]): Buffer {
  if (leaves.length === 0) return createHash('sha256').digest();
  if (leaves.length === 1) return leafHash(leaves[0]!);
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return nodeHash(mth(leaves.slice(0, k)), mth(leaves.slice(k)));
}

/** PATH and PROOF of RFC 9162 §2.1.3.1 and §2.1.4.1, straight from the text. */
function path(m: number, leaves: Buffer[]): Buffer[] {
  if (leaves.length <= 1) return [];
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return m < k ? [...path(m, leaves.slice(0, k)), mth(leaves.slice(k))] : [...path(m - k, leaves.slice(k)), mth(leaves.slice(0, k))];
}
function subproof(m: number, leaves: Buffer[], whole: boolean): Buffer[] {
  if (m === leaves.length) return whole ? [] : [mth(leaves)];
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return m <= k ? [...subproof(m, leaves.slice(0, k), whole), mth(leaves.slice(k))] : [...subproof(m - k, leaves.slice(k), false), mth(leaves.slice(0, k))];
}

function leavesOf(count: number): Buffer[] {
  return Array.from({ length: count }, (_, i) => Buffer.from(`leaf ${i}`));
}

function memorySource(leaves: Buffer[]): NodeSource {
  return ({ level, index }) => mth(leaves.slice(index * 2 ** level, (index + 1) * 2 ** level));
}

describe('RFC 9162 Merkle tree', () => {
  it('gives the published RFC 6962 roots for 0..8 leaves', () => {
    RFC6962_ROOTS.forEach((root, n) => {
      const tree = new CompactTree();
      RFC6962_LEAVES.slice(0, n).forEach((leaf) => tree.add(leafHash(leaf)));
      expect(tree.root().toString('hex')).toBe(root);
    });
    expect(EMPTY_ROOT.toString('hex')).toBe(RFC6962_ROOTS[0]);
  });

  it('makes the inclusion proofs of the RFC for every leaf of every size up to 40, and they verify', () => {
    for (let size = 1; size <= 40; size++) {
      const leaves = leavesOf(size);
      const root = mth(leaves);
      for (let i = 0; i < size; i++) {
        const proof = inclusionRanges(i, size).map((r) => rangeHash(r, memorySource(leaves)));
        expect(proof).toEqual(path(i, leaves));
        expect(inclusionHolds(leafHash(leaves[i]!), i, size, proof, root)).toBe(true);
        expect(inclusionHolds(leafHash(leaves[i]!), (i + 1) % size, size, proof, root)).toBe(size === 1);
        if (proof.length > 1) expect(inclusionHolds(leafHash(leaves[i]!), i, size, [...proof.slice(1), proof[0]!], root)).toBe(false);
      }
    }
  });

  it('makes the consistency proofs of the RFC between every pair of sizes up to 40, and they verify', () => {
    const leaves = leavesOf(40);
    for (let size = 1; size <= 40; size++) {
      for (let old = 1; old <= size; old++) {
        const proof = consistencyRanges(old, size).map((r) => rangeHash(r, memorySource(leaves)));
        expect(proof).toEqual(old === size ? [] : subproof(old, leaves.slice(0, size), true));
        const [oldRoot, root] = [mth(leaves.slice(0, old)), mth(leaves.slice(0, size))];
        expect(consistencyHolds(old, size, proof, oldRoot, root)).toBe(true);
        if (old < size) {
          const otherOld = mth([...leaves.slice(0, old - 1), Buffer.from('forged')]);
          expect(consistencyHolds(old, size, proof, otherOld, root)).toBe(false);
        }
      }
    }
  });

  it('keeps proofs at 10^5 leaves within 17 hashes', () => {
    expect(Math.max(...[0, 1, 65535, 65536, 99_999].map((i) => inclusionRanges(i, 100_000).length))).toBeLessThanOrEqual(17);
  });

  it('decomposes a range into complete subtrees', () => {
    expect(rangeNodes({ lo: 256, hi: 300 })).toEqual([
      { level: 5, index: 8 },
      { level: 3, index: 36 },
      { level: 2, index: 74 },
    ]);
  });
});

describe('tiles', () => {
  it('hold every node a proof needs, with partial tiles per width, from rows grown leaf by leaf', () => {
    const count = 2 * TILE_WIDTH * TILE_WIDTH + 3 * TILE_WIDTH + 17;
    const leaves = leavesOf(count);
    const rows = new TileRows();
    const reference = new CompactTree();
    const roots = new Map<number, Buffer>();
    const stored = new Map<string, Buffer[]>();
    const keep = (t: Tile) => stored.set(tileId(t.level, t.index, t.hashes.length), t.hashes);
    const checkpoints = [1, 255, 256, 257, 65_536, 70_000, count];
    for (const leaf of leaves) {
      rows.add(leafHash(leaf)).forEach(keep);
      reference.add(leafHash(leaf));
      if (checkpoints.includes(rows.size)) {
        rows.partials().forEach(keep);
        roots.set(rows.size, reference.root());
        expect(rows.root()).toEqual(reference.root());
      }
    }
    for (const size of checkpoints) {
      for (const i of [0, size - 1, Math.floor(size / 3)]) {
        const ranges = inclusionRanges(i, size);
        const ids = tilesFor(ranges.flatMap(rangeNodes), size);
        expect(ids.every((id) => stored.has(id))).toBe(true);
        const proof = ranges.map((r) => rangeHash(r, tileNodeSource(stored, size)));
        expect(inclusionHolds(leafHash(leaves[i]!), i, size, proof, roots.get(size)!)).toBe(true);
      }
    }
    const resumed = TileRows.at(70_000, [...stored].filter(([id]) => id.includes('.p/')).map(([id, hashes]) => {
      const [level, rest] = id.split('/') as [string, string];
      return { level: Number(level), index: Number(rest.split('.')[0]), hashes };
    }));
    const resumedReference = new CompactTree();
    for (const leaf of leaves.slice(0, 70_100)) resumedReference.add(leafHash(leaf));
    for (const leaf of leaves.slice(70_000, 70_100)) resumed.add(leafHash(leaf));
    expect(resumed.root()).toEqual(resumedReference.root());
  });
});
