import type { Artifact, FaultSettings } from '../artifact/format';
import { TopKHeap } from './topk-heap';

export interface TopKOptions {
  /** External item ids that must not be returned (typically what the user has already seen). */
  exclude?: Iterable<number>;
}

export interface TopKResult {
  /** External item ids, best first. */
  items: number[];
  scores: number[];
  /** True when the user is unknown to an embedding model and the popularity fallback answered. */
  fallback: boolean;
}

export interface Scorer {
  readonly kind: Artifact['kind'];
  readonly itemIds: Float64Array;
  /** Runtime faults the serving layer should inject (see faults.ts); the scorer itself never applies them. */
  readonly faults: FaultSettings;
  knowsUser(userId: number): boolean;
  topK(userId: number, k: number, options?: TopKOptions): TopKResult;
}

/**
 * Builds a reusable scorer. It keeps per-scorer scratch space (heap, exclusion mask, user vector),
 * so a call allocates only its result; it is not re-entrant, which is fine on one JS thread.
 */
export function createScorer(artifact: Artifact): Scorer {
  const itemIds = artifact.itemIds;
  const itemCount = itemIds.length;
  const itemIndex = new Map<number, number>();
  for (let i = 0; i < itemCount; i++) itemIndex.set(itemIds[i], i);

  const dims = artifact.kind === 'embedding' ? artifact.dims : 0;
  const userIndex = new Map<number, number>();
  if (artifact.kind === 'embedding') artifact.userIds.forEach((id, i) => userIndex.set(id, i));
  const fallbackScores = artifact.kind === 'popularity' ? artifact.scores : (artifact.popularity ?? artifact.itemBias);

  const excluded = new Uint8Array(itemCount);
  const userVector = new Float32Array(dims);
  let heap = new TopKHeap(0);

  function topK(userId: number, k: number, options: TopKOptions = {}): TopKResult {
    if (!Number.isInteger(k) || k < 0) throw new RangeError(`k must be a non-negative integer, got ${k}`);
    const want = Math.min(k, itemCount);
    if (want > heap.capacity) heap = new TopKHeap(want);
    heap.reset(want);

    const marked: number[] = [];
    for (const id of options.exclude ?? []) {
      const index = itemIndex.get(id);
      if (index !== undefined && excluded[index] === 0) {
        excluded[index] = 1;
        marked.push(index);
      }
    }

    const user = artifact.kind === 'embedding' ? userIndex.get(userId) : undefined;
    try {
      if (user !== undefined && artifact.kind === 'embedding') {
        userVector.set(artifact.userFactors.subarray(user * dims, (user + 1) * dims));
        scoreByDot(userVector, artifact.itemFactors, dims, artifact.itemBias, excluded, heap);
      } else {
        scoreByVector(fallbackScores, itemCount, excluded, heap);
      }
    } finally {
      for (const index of marked) excluded[index] = 0;
    }

    const indices: number[] = [];
    const scores: number[] = [];
    heap.drainInto(indices, scores);
    const items = indices.map((i) => itemIds[i]);
    return { items, scores, fallback: artifact.kind === 'embedding' && user === undefined };
  }

  return {
    kind: artifact.kind,
    itemIds,
    faults: artifact.metadata.faults ?? {},
    knowsUser: (userId) => userIndex.has(userId),
    topK,
  };
}

/**
 * The hot loop: one dot product per catalogue item, straight into the heap. Four independent
 * accumulators break the floating-point add dependency chain (about 1.4x faster in V8 than one), and
 * comparing with the heap's floor inline skips the call for the many items that cannot get in.
 */
function scoreByDot(
  user: Float32Array,
  factors: Float32Array,
  dims: number,
  bias: Float32Array | undefined,
  excluded: Uint8Array,
  heap: TopKHeap,
): void {
  const itemCount = excluded.length;
  const unrolled = dims - (dims & 3);
  let floor = heap.floor();
  for (let i = 0; i < itemCount; i++) {
    if (excluded[i] !== 0) continue;
    let offset = i * dims;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let f = 0; f < unrolled; f += 4, offset += 4) {
      s0 += user[f] * factors[offset];
      s1 += user[f + 1] * factors[offset + 1];
      s2 += user[f + 2] * factors[offset + 2];
      s3 += user[f + 3] * factors[offset + 3];
    }
    for (let f = unrolled; f < dims; f++, offset++) s0 += user[f] * factors[offset];
    let score = s0 + s1 + (s2 + s3);
    if (bias !== undefined) score += bias[i];
    if (score >= floor) {
      heap.offer(i, score);
      floor = heap.floor();
    }
  }
}

/** Scores without a user: a stored popularity vector, or all zeros so that catalogue order decides. */
function scoreByVector(scores: Float32Array | undefined, itemCount: number, excluded: Uint8Array, heap: TopKHeap): void {
  for (let i = 0; i < itemCount; i++) {
    if (excluded[i] === 0) heap.offer(i, scores === undefined ? 0 : scores[i]);
  }
}
