/** Dense internal indices for external ids; sorted so the mapping does not depend on row order. */
export interface IdIndex {
  ids: Float64Array;
  indexOf: Map<number, number>;
}

export function buildIdIndex(values: ArrayLike<number>): IdIndex {
  const ids = Float64Array.from(new Set(Array.from(values))).sort();
  const indexOf = new Map<number, number>();
  ids.forEach((id, i) => indexOf.set(id, i));
  return { ids, indexOf };
}
