import { assertFinite, assertUniqueIds } from './checks';
import { ArtifactFormatError } from './errors';
import {
  assertLittleEndianHost,
  BLOCK_ALIGN,
  FLAG_POPULARITY,
  FORMAT_VERSION,
  HEADER_BYTES,
  KIND_CODES,
  KNOWN_FLAGS,
  MAGIC,
  padTo,
  payloadLayout,
  type Artifact,
} from './format';
import { decodeMetadata } from './metadata';

/**
 * Parses and validates an artifact. The payload is copied once into a fresh, aligned ArrayBuffer and
 * exposed through typed-array views: the model never aliases the caller's buffer (so its sha256 stays
 * true to what was loaded) and there is no per-element decoding.
 */
export function loadArtifact(buf: Buffer): Artifact {
  assertLittleEndianHost();
  checkMagic(buf);
  if (buf.length < HEADER_BYTES) {
    throw new ArtifactFormatError('truncated', `header needs ${HEADER_BYTES} bytes, buffer has ${buf.length}`);
  }
  const version = buf.readUInt16LE(8);
  if (version !== FORMAT_VERSION) {
    throw new ArtifactFormatError('unsupported_version', `format version ${version}, this loader reads ${FORMAT_VERSION}`);
  }
  const kindCode = buf.readUInt16LE(10);
  const kind = kindCode === KIND_CODES.embedding ? 'embedding' : kindCode === KIND_CODES.popularity ? 'popularity' : undefined;
  if (!kind) throw new ArtifactFormatError('unsupported_kind', `kind code ${kindCode} is not known`);

  const flags = buf.readUInt32LE(12);
  const dims = buf.readUInt32LE(16);
  const users = buf.readUInt32LE(20);
  const items = buf.readUInt32LE(24);
  const metadataBytes = buf.readUInt32LE(28);
  const declaredPayload = buf.readBigUInt64LE(32);
  if ((flags & ~KNOWN_FLAGS) !== 0) throw new ArtifactFormatError('bad_header', `unknown flag bits 0x${flags.toString(16)}`);
  checkShape(kind, dims, users, flags);

  const layout = payloadLayout(kind, dims, users, items, flags);
  if (declaredPayload !== BigInt(layout.total)) {
    throw new ArtifactFormatError(
      'dimension_mismatch',
      `header declares ${declaredPayload} payload bytes but ${users} users x ${items} items x ${dims} dims need ${layout.total}`,
    );
  }
  const payloadStart = HEADER_BYTES + padTo(metadataBytes, BLOCK_ALIGN);
  const end = payloadStart + layout.total;
  if (buf.length < end) throw new ArtifactFormatError('truncated', `artifact needs ${end} bytes, buffer has ${buf.length}`);
  if (buf.length > end) throw new ArtifactFormatError('trailing_bytes', `${buf.length - end} bytes follow the last block`);
  for (let i = HEADER_BYTES + metadataBytes; i < payloadStart; i++) {
    if (buf[i] !== 0) throw new ArtifactFormatError('bad_metadata', `metadata padding byte at offset ${i} is not zero`);
  }
  const metadata = decodeMetadata(buf.subarray(HEADER_BYTES, HEADER_BYTES + metadataBytes));

  const payload = new ArrayBuffer(layout.total);
  new Uint8Array(payload).set(buf.subarray(payloadStart, end));
  let offset = 0;
  const f64 = (bytes: number) => {
    const view = new Float64Array(payload, offset, bytes / 8);
    offset += bytes;
    return view;
  };
  const f32 = (bytes: number) => {
    const view = new Float32Array(payload, offset, bytes / 4);
    offset += bytes;
    return view;
  };

  const userIds = f64(layout.userIds);
  const itemIds = f64(layout.itemIds);
  assertUniqueIds(userIds, 'userIds');
  assertUniqueIds(itemIds, 'itemIds');
  if (kind === 'popularity') {
    const scores = f32(layout.popularity);
    assertFinite(scores, 'scores');
    return { kind, itemIds, scores, metadata };
  }
  const userFactors = f32(layout.userFactors);
  const itemFactors = f32(layout.itemFactors);
  const itemBias = layout.itemBias ? f32(layout.itemBias) : undefined;
  const popularity = layout.popularity ? f32(layout.popularity) : undefined;
  assertFinite(userFactors, 'userFactors');
  assertFinite(itemFactors, 'itemFactors');
  if (itemBias) assertFinite(itemBias, 'itemBias');
  if (popularity) assertFinite(popularity, 'popularity');
  return {
    kind,
    dims,
    userIds,
    itemIds,
    userFactors,
    itemFactors,
    ...(itemBias && { itemBias }),
    ...(popularity && { popularity }),
    metadata,
  };
}

function checkMagic(buf: Buffer): void {
  const head = buf.subarray(0, MAGIC.length);
  if (head.equals(MAGIC)) return;
  if (buf.length < MAGIC.length && MAGIC.subarray(0, buf.length).equals(head)) {
    throw new ArtifactFormatError('truncated', `only ${buf.length} bytes, not even a full magic number`);
  }
  throw new ArtifactFormatError('bad_magic', `starts with ${head.toString('hex')}, expected ${MAGIC.toString('hex')}`);
}

function checkShape(kind: Artifact['kind'], dims: number, users: number, flags: number): void {
  if (kind === 'embedding' && dims === 0) {
    throw new ArtifactFormatError('dimension_mismatch', 'embedding artifact with 0 dims');
  }
  if (kind === 'popularity') {
    if (dims !== 0 || users !== 0) {
      throw new ArtifactFormatError('dimension_mismatch', `popularity artifact declares ${dims} dims and ${users} users, expected 0 and 0`);
    }
    if (flags !== FLAG_POPULARITY) throw new ArtifactFormatError('bad_header', 'popularity artifact must carry exactly the popularity block');
  }
}
