import type { Artifact, FaultSettings } from '../artifact/format';
import { rankingTurn } from './measured-alone';
import { createScorer, type TopKOptions, type TopKResult } from './scorer';

/** Where a model's rankings are computed. */
export type ModelRuntime = 'onnxruntime' | 'typescript';

/**
 * onnxruntime ranks a 9,724 x 64 catalogue about 5x faster than the TypeScript scorer; only below about 15,000
 * multiply-adds per user (400 x 16, say) is TypeScript ahead, by microseconds. TypeScript stays the reference.
 */
export const DEFAULT_MODEL_RUNTIME: ModelRuntime = 'onnxruntime';

/**
 * The one way modelship asks a model for recommendations, whatever the model's format and runtime: the offline gates,
 * the latency scenario, the shadow comparison and the gateway all rank through it.
 */
export interface Ranker {
  /** What the model is: a modelship artifact of either kind, or a model brought as ONNX. */
  readonly kind: 'embedding' | 'popularity' | 'onnx';
  /** Factor dimension where the format says it (embedding artifacts), else 0. */
  readonly dims: number;
  readonly runtime: ModelRuntime;
  /** The catalogue, in the model's item order. */
  readonly itemIds: Float64Array;
  /** The users the model knows; any other user gets the fallback ranking. */
  readonly userIds: Float64Array;
  /** Runtime faults the serving layer should inject (see faults.ts); none for a model from outside. */
  readonly faults: FaultSettings;
  knowsUser(userId: number): boolean;
  topK(userId: number, k: number, options?: TopKOptions): Promise<TopKResult>;
  /** Frees what the runtime holds (an onnxruntime session); the ranker must not be used after. */
  close(): Promise<void>;
}

/** Anything that ranks, synchronously or not: a Ranker, or the TypeScript reference scorer itself. */
export interface RankSource {
  topK(userId: number, k: number, options?: TopKOptions): TopKResult | Promise<TopKResult>;
}

/** A modelship artifact ranked by the TypeScript scorer: the reference the ONNX runtime is held to. */
export function typescriptRanker(artifact: Artifact): Ranker {
  const scorer = createScorer(artifact);
  return {
    kind: artifact.kind,
    dims: artifact.kind === 'embedding' ? artifact.dims : 0,
    runtime: 'typescript',
    itemIds: artifact.itemIds,
    userIds: artifact.kind === 'embedding' ? artifact.userIds : new Float64Array(0),
    faults: scorer.faults,
    knowsUser: (userId) => scorer.knowsUser(userId),
    topK: async (userId, k, options) => {
      await rankingTurn();
      return scorer.topK(userId, k, options);
    },
    close: () => Promise.resolve(),
  };
}
