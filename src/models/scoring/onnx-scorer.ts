import { InferenceSession, Tensor } from 'onnxruntime-node';
import { ArtifactFormatError } from '../artifact/errors';
import { ONNX_INPUTS, ONNX_OUTPUTS } from '../onnx/contract';
import type { OnnxModel } from '../onnx/onnx-model';
import { rankingTurn } from './measured-alone';
import { createRunBatcher, type RowResult } from './run-batcher';
import type { Ranker } from './ranker';
import type { TopKOptions, TopKResult } from './scorer';
import { TopKHeap } from './topk-heap';

const PROBE_K = 10;

/**
 * Scores an ONNX model of the contract in onnxruntime: the catalogue product and the top-k selection run in native
 * code. A user the model does not know is ranked by the fallback scores of its metadata (else catalogue order), as
 * the TypeScript scorer does. One thread per session: gateways and workers scale by processes, and a thread pool per
 * model would fight them for the cores. Before it is returned, the model is run on a probe: scores must be finite,
 * sorted, and items within the catalogue, or it is refused.
 */
export async function createOnnxScorer(model: OnnxModel): Promise<Ranker> {
  let session: InferenceSession;
  try {
    session = await InferenceSession.create(model.bytes, { intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential' });
  } catch (error) {
    throw new ArtifactFormatError('bad_graph', `onnxruntime cannot load the graph: ${(error as Error).message}`);
  }
  const { itemIds, userIds } = model;
  const items = itemIds.length;
  const userIndex = new Map<number, number>();
  userIds.forEach((id, i) => userIndex.set(id, i));
  const itemIndex = new Map<number, number>();
  itemIds.forEach((id, i) => itemIndex.set(id, i));

  const run = createRunBatcher(async (users, masks, want) => {
    const out = await session.run({
      [ONNX_INPUTS.user]: new Tensor('int64', users, [users.length]),
      [ONNX_INPUTS.mask]: new Tensor('float32', masks, [users.length, items]),
      [ONNX_INPUTS.k]: new Tensor('int64', BigInt64Array.of(BigInt(want)), [1]),
    });
    return { scores: out[ONNX_OUTPUTS.scores]!.data as Float32Array, indices: out[ONNX_OUTPUTS.items]!.data as BigInt64Array };
  }, items);

  function fallback(k: number, excluded: Set<number>): TopKResult {
    const heap = new TopKHeap(Math.min(k, items));
    heap.reset(k);
    for (let i = 0; i < items; i++) if (!excluded.has(i)) heap.offer(i, model.fallbackScores ? model.fallbackScores[i]! : 0);
    const [indices, scores]: [number[], number[]] = [[], []];
    heap.drainInto(indices, scores);
    return { items: indices.map((i) => itemIds[i]!), scores, fallback: true };
  }

  async function topK(userId: number, k: number, options: TopKOptions = {}): Promise<TopKResult> {
    if (!Number.isInteger(k) || k < 0) throw new RangeError(`k must be a non-negative integer, got ${k}`);
    await rankingTurn();
    const excluded = new Set<number>();
    for (const id of options.exclude ?? []) {
      const index = itemIndex.get(id);
      if (index !== undefined) excluded.add(index);
    }
    const user = userIndex.get(userId);
    if (user === undefined) return fallback(k, excluded);
    const want = Math.min(k, items);
    const keep = Math.min(want, items - excluded.size);
    if (keep === 0) return { items: [], scores: [], fallback: false };
    const mask = new Float32Array(items);
    for (const index of excluded) mask[index] = Number.NEGATIVE_INFINITY;
    const { scores, indices } = await run(user, mask, want);
    return { items: Array.from({ length: keep }, (_, i) => itemIds[Number(indices[i])]!), scores: Array.from(scores.subarray(0, keep)), fallback: false };
  }

  await probe(userIds.length, Math.min(PROBE_K, items), items, run).catch(async (error: unknown) => {
    await session.release();
    throw error;
  });
  return { kind: 'onnx', dims: 0, runtime: 'onnxruntime', itemIds, userIds, faults: {}, knowsUser: (userId) => userIndex.has(userId), topK, close: () => session.release() };
}

/** Runs the first and the last known user with nothing excluded: what comes back must be usable as a ranking. */
async function probe(users: number, want: number, items: number, run: (user: number, mask: Float32Array, want: number) => Promise<RowResult>): Promise<void> {
  for (const user of users === 0 ? [] : [...new Set([0, users - 1])]) {
    let out;
    try {
      out = await run(user, new Float32Array(items), want);
    } catch (error) {
      throw new ArtifactFormatError('bad_graph', `the graph fails on a probe (user ${user}): ${(error as Error).message}`);
    }
    if (out.scores.length < want || out.indices.length < want) throw new ArtifactFormatError('bad_graph', `the probe asked for ${want} items and got ${Math.min(out.scores.length, out.indices.length)}`);
    for (let i = 0; i < want; i++) {
      if (!Number.isFinite(out.scores[i]!)) throw new ArtifactFormatError('non_finite_output', `score ${i} for user ${user} on a probe is ${out.scores[i]}`);
      const index = Number(out.indices[i]);
      if (!(index >= 0 && index < items)) throw new ArtifactFormatError('bad_graph', `item position ${index} for user ${user} on a probe is outside the ${items} items`);
      if (i > 0 && out.scores[i]! > out.scores[i - 1]!) throw new ArtifactFormatError('bad_graph', `the probe's scores for user ${user} are not sorted best first`);
    }
  }
}
