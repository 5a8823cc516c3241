import { assertFinite, assertLength, assertUniqueIds } from './checks';
import { ArtifactFormatError } from './errors';
import {
  assertLittleEndianHost,
  BLOCK_ALIGN,
  FLAG_ITEM_BIAS,
  FLAG_POPULARITY,
  FORMAT_VERSION,
  HEADER_BYTES,
  KIND_CODES,
  MAGIC,
  padTo,
  payloadLayout,
  type Artifact,
} from './format';
import { encodeMetadata } from './metadata';

type Block = Float64Array | Float32Array;

/**
 * Serialises a model into the single-buffer artifact format. The model is validated with the same
 * rules as the loader, so a buffer produced here always loads back to identical arrays.
 */
export function encodeArtifact(model: Artifact): Buffer {
  assertLittleEndianHost();
  const { dims, users, flags, blocks } = describe(model);
  const items = model.itemIds.length;
  const metadata = encodeMetadata(model.metadata);
  const payloadStart = HEADER_BYTES + padTo(metadata.length, BLOCK_ALIGN);
  const layout = payloadLayout(model.kind, dims, users, items, flags);
  const buf = Buffer.alloc(payloadStart + layout.total);

  MAGIC.copy(buf, 0);
  buf.writeUInt16LE(FORMAT_VERSION, 8);
  buf.writeUInt16LE(KIND_CODES[model.kind], 10);
  buf.writeUInt32LE(flags, 12);
  buf.writeUInt32LE(dims, 16);
  buf.writeUInt32LE(users, 20);
  buf.writeUInt32LE(items, 24);
  buf.writeUInt32LE(metadata.length, 28);
  buf.writeBigUInt64LE(BigInt(layout.total), 32);
  metadata.copy(buf, HEADER_BYTES);

  let offset = payloadStart;
  for (const block of blocks) {
    buf.set(new Uint8Array(block.buffer, block.byteOffset, block.byteLength), offset);
    offset += block.byteLength;
  }
  return buf;
}

function describe(model: Artifact): { dims: number; users: number; flags: number; blocks: Block[] } {
  const items = model.itemIds.length;
  assertCount(items, 'item count');
  assertUniqueIds(model.itemIds, 'itemIds');

  if (model.kind === 'popularity') {
    assertLength(model.scores.length, items, 'scores');
    assertFinite(model.scores, 'scores');
    return { dims: 0, users: 0, flags: FLAG_POPULARITY, blocks: [model.itemIds, model.scores] };
  }

  const { dims, userIds, itemIds, userFactors, itemFactors, itemBias, popularity } = model;
  if (!Number.isInteger(dims) || dims < 1 || dims > 0xffffffff) {
    throw new ArtifactFormatError('dimension_mismatch', `dims must be a positive integer, got ${dims}`);
  }
  const users = userIds.length;
  assertCount(users, 'user count');
  assertUniqueIds(userIds, 'userIds');
  assertLength(userFactors.length, users * dims, 'userFactors');
  assertLength(itemFactors.length, items * dims, 'itemFactors');
  assertFinite(userFactors, 'userFactors');
  assertFinite(itemFactors, 'itemFactors');

  const blocks: Block[] = [userIds, itemIds, userFactors, itemFactors];
  let flags = 0;
  if (itemBias) {
    assertLength(itemBias.length, items, 'itemBias');
    assertFinite(itemBias, 'itemBias');
    flags |= FLAG_ITEM_BIAS;
    blocks.push(itemBias);
  }
  if (popularity) {
    assertLength(popularity.length, items, 'popularity');
    assertFinite(popularity, 'popularity');
    flags |= FLAG_POPULARITY;
    blocks.push(popularity);
  }
  return { dims, users, flags, blocks };
}

function assertCount(n: number, what: string): void {
  if (n > 0xffffffff) throw new ArtifactFormatError('dimension_mismatch', `${what} ${n} does not fit the 32-bit header field`);
}
