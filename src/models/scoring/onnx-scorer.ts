import { InferenceSession, Tensor } from 'onnxruntime-node';
import type { EmbeddingArtifact } from '../artifact/format';
import { embeddingTopKGraph } from '../onnx/embedding-graph';
import { createScorer, type TopKOptions, type TopKResult } from './scorer';

export interface OnnxScorer {
  topK(userId: number, k: number, options?: TopKOptions): Promise<TopKResult>;
  close(): Promise<void>;
}

/**
 * Scores an embedding model in onnxruntime: the catalogue product and the top-k selection run in native code. A user
 * the model does not know gets the popularity fallback of the TypeScript scorer, which has no product to compute.
 * One thread per session: the gateway and the workers scale by processes, and a thread pool per model would fight
 * them for the cores.
 */
export async function createOnnxScorer(artifact: EmbeddingArtifact): Promise<OnnxScorer> {
  const session = await InferenceSession.create(embeddingTopKGraph(artifact), { intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential' });
  const reference = createScorer(artifact);
  const { dims, itemIds } = artifact;
  const items = itemIds.length;
  const userIndex = new Map<number, number>();
  artifact.userIds.forEach((id, i) => userIndex.set(id, i));
  const itemIndex = new Map<number, number>();
  itemIds.forEach((id, i) => itemIndex.set(id, i));

  async function topK(userId: number, k: number, options: TopKOptions = {}): Promise<TopKResult> {
    if (!Number.isInteger(k) || k < 0) throw new RangeError(`k must be a non-negative integer, got ${k}`);
    const user = userIndex.get(userId);
    if (user === undefined || k === 0) return reference.topK(userId, k, options);
    const mask = new Float32Array(items);
    let shown = items;
    for (const id of options.exclude ?? []) {
      const index = itemIndex.get(id);
      if (index !== undefined && mask[index] === 0) {
        mask[index] = Number.NEGATIVE_INFINITY;
        shown--;
      }
    }
    const want = Math.min(k, items);
    const out = await session.run({
      user_vectors: new Tensor('float32', artifact.userFactors.slice(user * dims, (user + 1) * dims), [1, dims]),
      mask: new Tensor('float32', mask, [1, items]),
      k: new Tensor('int64', BigInt64Array.of(BigInt(want)), [1]),
    });
    const scores = out.top_scores!.data as Float32Array;
    const indices = out.top_items!.data as BigInt64Array;
    const keep = Math.min(want, shown);
    return {
      items: Array.from({ length: keep }, (_, i) => itemIds[Number(indices[i])]!),
      scores: Array.from(scores.subarray(0, keep)),
      fallback: false,
    };
  }

  return { topK, close: () => session.release() };
}
