import { onnx } from 'onnx-proto';
import { assertFinite, assertUniqueIds } from '../artifact/checks';
import { ArtifactFormatError } from '../artifact/errors';
import { ONNX_INPUTS, ONNX_METADATA, ONNX_OUTPUTS } from './contract';

/** An ONNX recommendation model that meets the contract, with what its metadata says. */
export interface OnnxModel {
  bytes: Uint8Array;
  itemIds: Float64Array;
  userIds: Float64Array;
  fallbackScores?: Float32Array;
  metadata: Record<string, string>;
}

const { FLOAT, INT64 } = onnx.TensorProto.DataType;

/** Whether bytes look like an ONNX model rather than a modelship artifact: a protobuf starting with ir_version (field 1). */
export function looksLikeOnnx(bytes: Uint8Array): boolean {
  return bytes.length > 2 && bytes[0] === 0x08;
}

function decode(bytes: Uint8Array): onnx.ModelProto {
  try {
    return onnx.ModelProto.decode(bytes);
  } catch (error) {
    throw new ArtifactFormatError('truncated', `not a whole ONNX model: ${(error as Error).message}`);
  }
}

function idList(raw: string | undefined, key: string): Float64Array {
  if (raw === undefined) throw new ArtifactFormatError('bad_metadata', `metadata_props lacks ${key}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new ArtifactFormatError('bad_metadata', `${key} is not JSON`);
  }
  if (!Array.isArray(parsed) || parsed.some((v) => typeof v !== 'number')) throw new ArtifactFormatError('bad_metadata', `${key} must be a JSON array of numbers`);
  return Float64Array.from(parsed as number[]);
}

function shapeOf(info: onnx.IValueInfoProto): { elemType: number; dims: (number | string)[] } {
  const tensor = info.type?.tensorType;
  return {
    elemType: tensor?.elemType ?? -1,
    dims: (tensor?.shape?.dim ?? []).map((d) => (d.dimParam ? d.dimParam : Number(d.dimValue ?? -1))),
  };
}

function expect(infos: onnx.IValueInfoProto[], name: string, elemType: number, rank: number, side: 'input' | 'output', fixed?: { axis: number; size: number }): void {
  const info = infos.find((i) => i.name === name);
  if (!info) throw new ArtifactFormatError('bad_graph', `the graph has no ${side} "${name}" (it has ${infos.map((i) => i.name).join(', ') || 'none'})`);
  const { elemType: actual, dims } = shapeOf(info);
  const typeName = elemType === FLOAT ? 'float32' : 'int64';
  if (actual !== elemType) throw new ArtifactFormatError('bad_graph', `${side} "${name}" must be ${typeName}, the graph says element type ${actual}`);
  if (dims.length !== rank) throw new ArtifactFormatError('bad_graph', `${side} "${name}" must have ${rank} dimensions, the graph gives ${dims.length}`);
  if (fixed && typeof dims[fixed.axis] === 'number' && dims[fixed.axis] !== fixed.size) {
    throw new ArtifactFormatError('bad_graph', `${side} "${name}" dimension ${fixed.axis} is ${dims[fixed.axis]}, but modelship.item_ids lists ${fixed.size} items`);
  }
}

/**
 * Reads an ONNX model and checks it against the contract without running it: the graph's inputs and outputs, and
 * the ids and fallback in its metadata. probeOnnxModel then runs it.
 */
export function readOnnxModel(bytes: Uint8Array): OnnxModel {
  const model = decode(bytes);
  if (!model.graph) throw new ArtifactFormatError('bad_graph', 'the model has no graph');
  const metadata = Object.fromEntries((model.metadataProps ?? []).map((p) => [p.key ?? '', p.value ?? '']));
  const itemIds = idList(metadata[ONNX_METADATA.itemIds], ONNX_METADATA.itemIds);
  const userIds = idList(metadata[ONNX_METADATA.userIds], ONNX_METADATA.userIds);
  assertUniqueIds(itemIds, ONNX_METADATA.itemIds);
  assertUniqueIds(userIds, ONNX_METADATA.userIds);
  if (itemIds.length === 0) throw new ArtifactFormatError('bad_metadata', `${ONNX_METADATA.itemIds} is empty`);
  let fallbackScores: Float32Array | undefined;
  if (metadata[ONNX_METADATA.fallbackScores] !== undefined) {
    fallbackScores = Float32Array.from(idList(metadata[ONNX_METADATA.fallbackScores], ONNX_METADATA.fallbackScores));
    if (fallbackScores.length !== itemIds.length) throw new ArtifactFormatError('dimension_mismatch', `${ONNX_METADATA.fallbackScores} has ${fallbackScores.length} scores for ${itemIds.length} items`);
    assertFinite(fallbackScores, ONNX_METADATA.fallbackScores);
  }
  const initialisers = new Set((model.graph.initializer ?? []).map((t) => t.name));
  const inputs = (model.graph.input ?? []).filter((i) => !initialisers.has(i.name));
  const outputs = model.graph.output ?? [];
  expect(inputs, ONNX_INPUTS.user, INT64, 1, 'input');
  expect(inputs, ONNX_INPUTS.mask, FLOAT, 2, 'input', { axis: 1, size: itemIds.length });
  expect(inputs, ONNX_INPUTS.k, INT64, 1, 'input');
  const extra = inputs.filter((i) => !Object.values(ONNX_INPUTS).includes(i.name as never));
  if (extra.length > 0) throw new ArtifactFormatError('bad_graph', `the graph needs inputs modelship does not give: ${extra.map((i) => i.name).join(', ')}`);
  expect(outputs, ONNX_OUTPUTS.scores, FLOAT, 2, 'output');
  expect(outputs, ONNX_OUTPUTS.items, INT64, 2, 'output');
  return { bytes, itemIds, userIds, ...(fallbackScores ? { fallbackScores } : {}), metadata };
}
