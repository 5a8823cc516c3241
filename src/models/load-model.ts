import { loadArtifact } from './artifact/load';
import { hasArtifactMagic } from './artifact/format';
import { ArtifactFormatError } from './artifact/errors';
import { embeddingAsOnnx } from './onnx/embedding-graph';
import { looksLikeOnnx, readOnnxModel } from './onnx/onnx-model';
import { createOnnxScorer } from './scoring/onnx-scorer';
import { DEFAULT_MODEL_RUNTIME, typescriptRanker, type ModelRuntime, type Ranker } from './scoring/ranker';

/**
 * Loads a model's bytes, whichever format they are in, as a Ranker, refusing what cannot serve with an
 * ArtifactFormatError naming why. A modelship artifact (`.msa`) of the embedding kind ranks in `runtime`, a popularity
 * one in TypeScript (it has no product to compute); an ONNX model always runs in onnxruntime, once checked against the contract
 * (docs/model-format.md) and run on a probe.
 */
export async function loadModel(bytes: Buffer, runtime: ModelRuntime = DEFAULT_MODEL_RUNTIME): Promise<Ranker> {
  if (hasArtifactMagic(bytes)) {
    const artifact = loadArtifact(bytes);
    if (artifact.kind !== 'embedding' || runtime === 'typescript') return typescriptRanker(artifact);
    const ranker = await createOnnxScorer(embeddingAsOnnx(artifact));
    return { ...ranker, kind: 'embedding', dims: artifact.dims, faults: artifact.metadata.faults ?? {} };
  }
  if (looksLikeOnnx(bytes)) return createOnnxScorer(readOnnxModel(bytes));
  throw new ArtifactFormatError('bad_magic', 'neither a modelship artifact (.msa) nor an ONNX model');
}
