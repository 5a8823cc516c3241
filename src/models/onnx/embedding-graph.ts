import { onnx } from 'onnx-proto';
import type { EmbeddingArtifact } from '../artifact/format';
import { ONNX_INPUTS, ONNX_METADATA, ONNX_OUTPUTS } from './contract';
import { readOnnxModel, type OnnxModel } from './onnx-model';

/** The operator set the graphs are written for: TopK with `largest` and `sorted` attributes exists since 11. */
const OPSET = 17;
const IR_VERSION = 8;
const { FLOAT, INT64 } = onnx.TensorProto.DataType;

function tensor(name: string, dims: number[], values: Float32Array): onnx.ITensorProto {
  return { name, dims, dataType: FLOAT, rawData: new Uint8Array(values.buffer, values.byteOffset, values.byteLength) };
}

function valueInfo(name: string, elemType: number, shape: (number | string)[]): onnx.IValueInfoProto {
  return { name, type: { tensorType: { elemType, shape: { dim: shape.map((s) => (typeof s === 'string' ? { dimParam: s } : { dimValue: s })) } } } };
}

function node(opType: string, input: string[], output: string[], attribute: onnx.IAttributeProto[] = []): onnx.INodeProto {
  return { opType, input, output, attribute };
}

function int(name: string, i: number): onnx.IAttributeProto {
  return { name, type: onnx.AttributeProto.AttributeType.INT, i };
}

/**
 * An embedding artifact as an ONNX model of the contract: it gathers the users' factors, multiplies them by the item
 * factors (+ item bias), adds the mask and keeps the best k with TopK (largest, sorted), which puts the lower index
 * first among equal scores, the rule of the TypeScript scorer's heap. Unknown users get the artifact's popularity (else
 * its item bias) from the metadata, as they do from the TypeScript scorer. `provenance` adds metadata_props such as
 * the training data and code versions.
 */
export function embeddingAsOnnx(artifact: EmbeddingArtifact, provenance: Record<string, string> = {}): OnnxModel {
  const { dims } = artifact;
  const items = artifact.itemIds.length;
  const transposed = new Float32Array(dims * items);
  for (let i = 0; i < items; i++) for (let f = 0; f < dims; f++) transposed[f * items + i] = artifact.itemFactors[i * dims + f]!;
  const biased = artifact.itemBias !== undefined;
  const graph: onnx.IGraphProto = {
    name: 'modelship_embedding_topk',
    node: [
      node('Gather', ['user_factors', ONNX_INPUTS.user], ['user_vectors'], [int('axis', 0)]),
      node('MatMul', ['user_vectors', 'item_factors'], ['dot']),
      ...(biased ? [node('Add', ['dot', 'item_bias'], ['biased'])] : []),
      node('Add', [biased ? 'biased' : 'dot', ONNX_INPUTS.mask], ['scores']),
      node('TopK', ['scores', ONNX_INPUTS.k], [ONNX_OUTPUTS.scores, ONNX_OUTPUTS.items], [int('largest', 1), int('sorted', 1), int('axis', -1)]),
    ],
    initializer: [
      tensor('user_factors', [artifact.userIds.length, dims], artifact.userFactors),
      tensor('item_factors', [dims, items], transposed),
      ...(biased ? [tensor('item_bias', [items], artifact.itemBias!)] : []),
    ],
    input: [valueInfo(ONNX_INPUTS.user, INT64, ['batch']), valueInfo(ONNX_INPUTS.mask, FLOAT, ['batch', items]), valueInfo(ONNX_INPUTS.k, INT64, [1])],
    output: [valueInfo(ONNX_OUTPUTS.scores, FLOAT, ['batch', 'k']), valueInfo(ONNX_OUTPUTS.items, INT64, ['batch', 'k'])],
  };
  const fallback = artifact.popularity ?? artifact.itemBias;
  const props: Record<string, string> = {
    ...provenance,
    [ONNX_METADATA.itemIds]: JSON.stringify(Array.from(artifact.itemIds)),
    [ONNX_METADATA.userIds]: JSON.stringify(Array.from(artifact.userIds)),
    ...(fallback ? { [ONNX_METADATA.fallbackScores]: JSON.stringify(Array.from(fallback)) } : {}),
  };
  const bytes = onnx.ModelProto.encode({
    irVersion: IR_VERSION,
    opsetImport: [{ domain: '', version: OPSET }],
    producerName: 'modelship',
    graph,
    metadataProps: Object.entries(props).sort(([a], [b]) => a.localeCompare(b)).map(([key, value]) => ({ key, value })),
  }).finish();
  return readOnnxModel(bytes);
}
