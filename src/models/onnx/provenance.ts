import { hasArtifactMagic } from '../artifact/format';
import { ONNX_METADATA } from './contract';
import { looksLikeOnnx, readOnnxModel } from './onnx-model';

/** Where a model says it came from. */
export interface CarriedProvenance {
  trainingDataVersion?: string;
  codeVersion?: string;
}

/**
 * The training data and code versions an ONNX model carries in its metadata_props; nothing for a modelship artifact,
 * whose provenance is given at registration only.
 */
export function carriedProvenance(bytes: Buffer): CarriedProvenance {
  if (hasArtifactMagic(bytes) || !looksLikeOnnx(bytes)) return {};
  const { metadata } = readOnnxModel(bytes);
  const carried: CarriedProvenance = {};
  if (metadata[ONNX_METADATA.trainingDataVersion]) carried.trainingDataVersion = metadata[ONNX_METADATA.trainingDataVersion];
  if (metadata[ONNX_METADATA.codeVersion]) carried.codeVersion = metadata[ONNX_METADATA.codeVersion];
  return carried;
}
