import {
  ArtifactFormatError,
  artifactSha256,
  encodeArtifact,
  loadArtifact,
  type ArtifactErrorReason,
  type EmbeddingArtifact,
  type PopularityArtifact,
} from '../../../src/models';
import { integerModel } from './fixtures';

const HEADER = 40;

function refusal(buf: Buffer): { reason: ArtifactErrorReason; message: string } {
  try {
    loadArtifact(buf);
  } catch (err) {
    expect(err).toBeInstanceOf(ArtifactFormatError);
    return { reason: (err as ArtifactFormatError).reason, message: (err as Error).message };
  }
  throw new Error('artifact was accepted');
}

function payloadStart(buf: Buffer): number {
  return HEADER + Math.ceil(buf.readUInt32LE(28) / 8) * 8;
}

describe('artifact round trip', () => {
  const model = integerModel(5, 9, 3, 11, { bias: true, popularity: true });
  model.userFactors[0] = 0.1; // not exactly representable: must come back as the same float32

  it('loads back identical arrays and metadata, and re-encodes to identical bytes', () => {
    const buf = encodeArtifact(model);
    const loaded = loadArtifact(buf) as EmbeddingArtifact;
    expect(loaded.kind).toBe('embedding');
    expect(loaded.dims).toBe(3);
    expect(Array.from(loaded.userIds)).toEqual(Array.from(model.userIds));
    expect(Array.from(loaded.itemIds)).toEqual(Array.from(model.itemIds));
    expect(Array.from(loaded.userFactors)).toEqual(Array.from(model.userFactors));
    expect(Array.from(loaded.itemFactors)).toEqual(Array.from(model.itemFactors));
    expect(Array.from(loaded.itemBias!)).toEqual(Array.from(model.itemBias!));
    expect(Array.from(loaded.popularity!)).toEqual(Array.from(model.popularity!));
    expect(loaded.metadata).toEqual({ name: 'fixture', seed: 11 });
    expect(encodeArtifact(loaded).equals(buf)).toBe(true);
  });

  it('writes the documented header', () => {
    const buf = encodeArtifact(model);
    expect(buf.subarray(0, 8).toString('hex')).toBe('894d534849500d0a');
    expect(buf.readUInt16LE(8)).toBe(1);
    expect(buf.readUInt16LE(10)).toBe(1);
    expect(buf.readUInt32LE(12)).toBe(3);
    expect([buf.readUInt32LE(16), buf.readUInt32LE(20), buf.readUInt32LE(24)]).toEqual([3, 5, 9]);
    const meta = '{"name":"fixture","seed":11}';
    expect(buf.readUInt32LE(28)).toBe(meta.length);
    expect(buf.subarray(40, 40 + meta.length).toString()).toBe(meta);
    const payload = 5 * 8 + 9 * 8 + 5 * 3 * 4 + 9 * 3 * 4 + 9 * 4 + 9 * 4;
    expect(Number(buf.readBigUInt64LE(32))).toBe(payload);
    expect(buf.length).toBe(40 + 32 + payload);
    expect(buf.readDoubleLE(payloadStart(buf))).toBe(model.userIds[0]);
  });

  it('round-trips a popularity artifact and keeps faults', () => {
    const pop: PopularityArtifact = {
      kind: 'popularity',
      itemIds: Float64Array.from([3, 1, 2]),
      scores: Float32Array.from([0.5, 2, 0]),
      metadata: { faults: { addedLatencyMs: 25, failureRate: 0.1, failAfterRequests: 500 } },
    };
    const buf = encodeArtifact(pop);
    const loaded = loadArtifact(buf) as PopularityArtifact;
    expect(loaded.kind).toBe('popularity');
    expect(Array.from(loaded.itemIds)).toEqual([3, 1, 2]);
    expect(Array.from(loaded.scores)).toEqual([0.5, 2, 0]);
    expect(loaded.metadata.faults).toEqual({ addedLatencyMs: 25, failureRate: 0.1, failAfterRequests: 500 });
  });

  it('serialises metadata canonically, so key order does not change the sha256', () => {
    const a = encodeArtifact({ ...model, metadata: { b: 1, a: { y: 2, x: [1, 'z'] } } });
    const b = encodeArtifact({ ...model, metadata: { a: { x: [1, 'z'], y: 2 }, b: 1 } });
    expect(artifactSha256(a)).toBe(artifactSha256(b));
    expect(artifactSha256(a)).toMatch(/^[0-9a-f]{64}$/);
    const c = encodeArtifact({ ...model, metadata: { b: 2, a: { x: [1, 'z'], y: 2 } } });
    expect(artifactSha256(c)).not.toBe(artifactSha256(a));
  });

  it('does not alias the input buffer', () => {
    const buf = encodeArtifact(model);
    const loaded = loadArtifact(buf) as EmbeddingArtifact;
    buf.fill(0);
    expect(loaded.userIds[0]).toBe(model.userIds[0]);
  });

  it('loads a 10k x 64 model in milliseconds', () => {
    const big: EmbeddingArtifact = {
      kind: 'embedding',
      dims: 64,
      userIds: Float64Array.from({ length: 600 }, (_, i) => i),
      itemIds: Float64Array.from({ length: 10_000 }, (_, i) => i),
      userFactors: new Float32Array(600 * 64).fill(0.25),
      itemFactors: new Float32Array(10_000 * 64).fill(0.5),
      metadata: {},
    };
    const buf = encodeArtifact(big);
    loadArtifact(buf);
    const start = process.hrtime.bigint();
    for (let i = 0; i < 5; i++) loadArtifact(buf);
    const perLoadMs = Number(process.hrtime.bigint() - start) / 5e6;
    expect(perLoadMs).toBeLessThan(50);
  });
});

describe('corrupt artifacts are refused with a named reason', () => {
  const good = () => encodeArtifact(integerModel(4, 6, 2, 3, { popularity: true }));

  it('bad_magic', () => {
    const buf = good();
    buf[1] = 0x58;
    expect(refusal(buf)).toMatchObject({ reason: 'bad_magic', message: expect.stringContaining('expected 894d5348') });
    expect(refusal(Buffer.from('hello world, not a model at all')).reason).toBe('bad_magic');
  });

  it('unsupported_version', () => {
    const buf = good();
    buf.writeUInt16LE(2, 8);
    expect(refusal(buf)).toMatchObject({ reason: 'unsupported_version', message: expect.stringContaining('version 2') });
  });

  it('unsupported_kind and bad_header', () => {
    const kind = good();
    kind.writeUInt16LE(9, 10);
    expect(refusal(kind).reason).toBe('unsupported_kind');
    const flags = good();
    flags.writeUInt32LE(0x10 | 2, 12);
    expect(refusal(flags).reason).toBe('bad_header');
  });

  it('truncated: in the magic, in the header, in the payload', () => {
    const buf = good();
    expect(refusal(buf.subarray(0, 4)).reason).toBe('truncated');
    expect(refusal(buf.subarray(0, 30)).reason).toBe('truncated');
    expect(refusal(buf.subarray(0, buf.length - 1))).toMatchObject({
      reason: 'truncated',
      message: expect.stringContaining(`needs ${buf.length} bytes`),
    });
  });

  it('trailing_bytes', () => {
    expect(refusal(Buffer.concat([good(), Buffer.alloc(4)])).reason).toBe('trailing_bytes');
  });

  it('dimension_mismatch: header dims disagree with the payload size', () => {
    const buf = good();
    buf.writeUInt32LE(3, 16);
    expect(refusal(buf)).toMatchObject({ reason: 'dimension_mismatch', message: expect.stringContaining('3 dims') });
    const zero = good();
    zero.writeUInt32LE(0, 16);
    expect(refusal(zero).reason).toBe('dimension_mismatch');
  });

  it('dimension_mismatch: the encoder refuses inconsistent arrays', () => {
    const model = integerModel(4, 6, 2, 3);
    model.itemFactors = model.itemFactors.subarray(0, 11);
    expect(() => encodeArtifact(model)).toThrow(expect.objectContaining({ reason: 'dimension_mismatch' }));
  });

  it('bad_metadata: invalid JSON, non-zero padding, invalid faults', () => {
    const buf = good();
    buf[HEADER] = 0x7b + 1;
    expect(refusal(buf).reason).toBe('bad_metadata');
    const padded = good();
    padded[payloadStart(padded) - 1] = 0x20;
    expect(padded.readUInt32LE(28) % 8).not.toBe(0);
    expect(refusal(padded).reason).toBe('bad_metadata');
    const model = integerModel(2, 2, 1, 1);
    expect(() => encodeArtifact({ ...model, metadata: { faults: { failureRate: 1.5 } } })).toThrow(
      expect.objectContaining({ reason: 'bad_metadata' }),
    );
    expect(() => encodeArtifact({ ...model, metadata: { faults: { failAfterRequests: 2.5 } } })).toThrow(
      expect.objectContaining({ message: expect.stringContaining('failAfterRequests must be a whole number') }),
    );
    expect(() => encodeArtifact({ ...model, metadata: { score: NaN } })).toThrow(expect.objectContaining({ reason: 'bad_metadata' }));
  });

  it('non_finite_weight: NaN or infinity in any float block', () => {
    const buf = good();
    const userFactors = payloadStart(buf) + 4 * 8 + 6 * 8;
    buf.writeFloatLE(NaN, userFactors + 4 * 5);
    expect(refusal(buf)).toMatchObject({ reason: 'non_finite_weight', message: expect.stringContaining('userFactors[5] is NaN') });
    const inf = good();
    inf.writeFloatLE(Infinity, inf.length - 4);
    expect(refusal(inf)).toMatchObject({ reason: 'non_finite_weight', message: expect.stringContaining('popularity[5]') });
  });

  it('duplicate_id and invalid_id', () => {
    const buf = good();
    const itemIds = payloadStart(buf) + 4 * 8;
    buf.writeDoubleLE(buf.readDoubleLE(itemIds), itemIds + 8 * 3);
    expect(refusal(buf)).toMatchObject({ reason: 'duplicate_id', message: expect.stringContaining('itemIds contains 1000') });
    const nan = good();
    nan.writeDoubleLE(NaN, payloadStart(nan));
    expect(refusal(nan).reason).toBe('invalid_id');
  });
});
