import { mulberry32, type EmbeddingArtifact } from '../../../src/models';

/**
 * Factors of small integers: every score is an exact integer in float32 as in float64, so the two scorers must agree
 * exactly, and the many equal scores show how each breaks ties.
 */
export function integerModel(seed: number, users: number, items: number, dims: number, bias: boolean): EmbeddingArtifact {
  const rng = mulberry32(seed);
  const ints = (n: number) => Float32Array.from({ length: n }, () => Math.floor(rng() * 7) - 3);
  return {
    kind: 'embedding',
    dims,
    userIds: Float64Array.from({ length: users }, (_, i) => 100 + i),
    itemIds: Float64Array.from({ length: items }, (_, i) => 5000 - 3 * i),
    userFactors: ints(users * dims),
    itemFactors: ints(items * dims),
    ...(bias ? { itemBias: ints(items) } : {}),
    popularity: ints(items),
    metadata: {},
  };
}


/** A small model for tests that need any model at all. */
export function integerModelForTests(seed: number): EmbeddingArtifact {
  return integerModel(seed, 10, 50, 4, false);
}
