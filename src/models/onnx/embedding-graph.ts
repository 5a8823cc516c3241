import { onnx } from 'onnx-proto';
import type { EmbeddingArtifact } from '../artifact/format';

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

/**
 * An embedding model as an ONNX graph that scores a batch of users against the whole catalogue and keeps the best k:
 * `scores = user_vectors × item_factorsᵀ (+ item_bias) + mask`, then TopK (largest, sorted). The mask is 0 for an item
 * a user may be shown and -Infinity for one to leave out (what they have seen). ONNX TopK puts the lower index first
 * among equal scores, the rule of the TypeScript scorer's heap.
 */
export function embeddingTopKGraph(artifact: EmbeddingArtifact): Uint8Array {
  const { dims } = artifact;
  const items = artifact.itemIds.length;
  const transposed = new Float32Array(dims * items);
  for (let i = 0; i < items; i++) for (let f = 0; f < dims; f++) transposed[f * items + i] = artifact.itemFactors[i * dims + f]!;
  const biased = artifact.itemBias !== undefined;
  const node = (opType: string, input: string[], output: string[], attribute: onnx.IAttributeProto[] = []): onnx.INodeProto => ({ opType, input, output, attribute });
  const int = (name: string, i: number): onnx.IAttributeProto => ({ name, type: onnx.AttributeProto.AttributeType.INT, i });
  const graph: onnx.IGraphProto = {
    name: 'modelship_embedding_topk',
    node: [
      node('MatMul', ['user_vectors', 'item_factors'], ['dot']),
      ...(biased ? [node('Add', ['dot', 'item_bias'], ['biased'])] : []),
      node('Add', [biased ? 'biased' : 'dot', 'mask'], ['scores']),
      node('TopK', ['scores', 'k'], ['top_scores', 'top_items'], [int('largest', 1), int('sorted', 1), int('axis', -1)]),
    ],
    initializer: [tensor('item_factors', [dims, items], transposed), ...(biased ? [tensor('item_bias', [items], artifact.itemBias!)] : [])],
    input: [valueInfo('user_vectors', FLOAT, ['batch', dims]), valueInfo('mask', FLOAT, ['batch', items]), valueInfo('k', INT64, [1])],
    output: [valueInfo('top_scores', FLOAT, ['batch', 'k']), valueInfo('top_items', INT64, ['batch', 'k'])],
  };
  return onnx.ModelProto.encode({ irVersion: IR_VERSION, opsetImport: [{ domain: '', version: OPSET }], producerName: 'modelship', graph }).finish();
}
