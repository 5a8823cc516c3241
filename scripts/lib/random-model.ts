import { mulberry32, type EmbeddingArtifact } from '../../src/models';

/** Random factors of a given shape: serving and scoring cost depend on the shape, not on the values. */
export function randomEmbeddingModel(shape: { users: number; items: number; dims: number }, seed: number): EmbeddingArtifact {
  const rng = mulberry32(seed);
  // Sum of three uniforms: roughly normal, cheap enough for 10 M values.
  const fill = (n: number) => {
    const values = new Float32Array(n);
    for (let i = 0; i < n; i++) values[i] = (rng() + rng() + rng() - 1.5) * 0.5;
    return values;
  };
  return {
    kind: 'embedding',
    dims: shape.dims,
    userIds: Float64Array.from({ length: shape.users }, (_, i) => i + 1),
    itemIds: Float64Array.from({ length: shape.items }, (_, i) => i + 1),
    userFactors: fill(shape.users * shape.dims),
    itemFactors: fill(shape.items * shape.dims),
    popularity: fill(shape.items),
    metadata: {},
  };
}
