import { ArtifactFormatError } from './errors';

/** Shared by encoder and loader so that nothing is ever written that the loader would refuse. */

export function assertFinite(values: Float32Array, block: string): void {
  for (let i = 0; i < values.length; i++) {
    // x - x is NaN exactly when x is NaN or infinite, and is cheaper than Number.isFinite on a hot loop.
    if (values[i] - values[i] !== 0) {
      throw new ArtifactFormatError('non_finite_weight', `${block}[${i}] is ${values[i]}`);
    }
  }
}

export function assertUniqueIds(ids: Float64Array, block: string): void {
  const seen = new Set<number>();
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i];
    // Ids are opaque numbers, but NaN never equals itself and could not be looked up.
    if (!Number.isFinite(id)) throw new ArtifactFormatError('invalid_id', `${block}[${i}] is ${id}`);
    if (seen.has(id)) throw new ArtifactFormatError('duplicate_id', `${block} contains ${id} more than once (index ${i})`);
    seen.add(id);
  }
}

export function assertLength(actual: number, expected: number, block: string): void {
  if (actual !== expected) {
    throw new ArtifactFormatError('dimension_mismatch', `${block} has ${actual} values, expected ${expected}`);
  }
}
