/**
 * In-memory shapes of model artifacts and the constants of the binary layout. The layout itself is
 * specified in docs/model-format.md; keep the two in step.
 */

export const FORMAT_VERSION = 1;

/** PNG-style magic: the high byte and the CR LF pair expose 7-bit and newline-translating transports. */
export const MAGIC = Buffer.from([0x89, 0x4d, 0x53, 0x48, 0x49, 0x50, 0x0d, 0x0a]);

/** Whether bytes start as a modelship artifact does (anything else may be an ONNX model). */
export const hasArtifactMagic = (bytes: Buffer): boolean => bytes.subarray(0, MAGIC.length).equals(MAGIC);

export const HEADER_BYTES = 40;

/** Blocks are 8-byte aligned so that float64 and float32 views can sit directly on the payload. */
export const BLOCK_ALIGN = 8;

export const KIND_CODES = { embedding: 1, popularity: 2 } as const;

export const FLAG_ITEM_BIAS = 1;
export const FLAG_POPULARITY = 2;
export const KNOWN_FLAGS = FLAG_ITEM_BIAS | FLAG_POPULARITY;

/** Runtime faults a serving layer is asked to inject when it serves this artifact (see scoring/faults.ts). */
export interface FaultSettings {
  /** Extra delay, in milliseconds, added to every request. */
  addedLatencyMs?: number;
  /** Share of requests, in [0, 1], that must fail. */
  failureRate?: number;
  /** Requests a replica serves with this artifact before `failureRate` applies: a model that breaks in production after
   *  a while (a leak, an expiring cache) rather than at once. */
  failAfterRequests?: number;
  /** Set by the trainer when the item factors were deliberately permuted; informational only. */
  shuffleItemFactors?: boolean;
  /** Set by the trainer when this share, in [0, 1], of item factor rows was deliberately permuted; informational only. */
  shuffledItemShare?: number;
}

/** Free-form JSON, except `faults`, which the loader validates because serving code acts on it. */
export interface ArtifactMetadata {
  faults?: FaultSettings;
  [key: string]: unknown;
}

export interface EmbeddingArtifact {
  kind: 'embedding';
  dims: number;
  /** External ids, kept as float64 so any integer id up to 2^53 survives. */
  userIds: Float64Array;
  itemIds: Float64Array;
  /** Row-major, userIds.length x dims. */
  userFactors: Float32Array;
  /** Row-major, itemIds.length x dims. */
  itemFactors: Float32Array;
  /** Added to every dot product when present. */
  itemBias?: Float32Array;
  /** Scores used for users the model does not know. */
  popularity?: Float32Array;
  metadata: ArtifactMetadata;
}

export interface PopularityArtifact {
  kind: 'popularity';
  itemIds: Float64Array;
  scores: Float32Array;
  metadata: ArtifactMetadata;
}

export type Artifact = EmbeddingArtifact | PopularityArtifact;

/** Byte counts of the payload blocks, in file order. Shared by the encoder and the loader. */
export function payloadLayout(kind: Artifact['kind'], dims: number, users: number, items: number, flags: number) {
  const userIds = users * 8;
  const itemIds = items * 8;
  const userFactors = kind === 'embedding' ? users * dims * 4 : 0;
  const itemFactors = kind === 'embedding' ? items * dims * 4 : 0;
  const itemBias = flags & FLAG_ITEM_BIAS ? items * 4 : 0;
  const popularity = flags & FLAG_POPULARITY ? items * 4 : 0;
  return {
    userIds,
    itemIds,
    userFactors,
    itemFactors,
    itemBias,
    popularity,
    total: userIds + itemIds + userFactors + itemFactors + itemBias + popularity,
  };
}

export function padTo(n: number, align: number): number {
  return Math.ceil(n / align) * align;
}

/** Views over the payload assume host byte order equals file byte order. */
export function assertLittleEndianHost(): void {
  if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) {
    throw new Error('model artifacts are little-endian; big-endian hosts are not supported');
  }
}
