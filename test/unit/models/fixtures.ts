import type { EmbeddingArtifact } from '../../../src/models';
import { mulberry32 } from '../../../src/models';

/**
 * Random models with small integer weights: dot products are exact in any summation order, so the
 * scorer can be compared with a naive implementation bit for bit, and ties are frequent.
 */
export function integerModel(users: number, items: number, dims: number, seed: number, extras: { bias?: boolean; popularity?: boolean } = {}): EmbeddingArtifact {
  const rng = mulberry32(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(rng() * (hi - lo + 1));
  const ids = (n: number, base: number) => Float64Array.from({ length: n }, (_, i) => base + i * 7);
  return {
    kind: 'embedding',
    dims,
    userIds: ids(users, 1),
    itemIds: ids(items, 1000),
    userFactors: Float32Array.from({ length: users * dims }, () => int(-2, 2)),
    itemFactors: Float32Array.from({ length: items * dims }, () => int(-2, 2)),
    ...(extras.bias && { itemBias: Float32Array.from({ length: items }, () => int(-3, 3)) }),
    ...(extras.popularity && { popularity: Float32Array.from({ length: items }, () => int(0, 5)) }),
    metadata: { name: 'fixture', seed },
  };
}
