import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { GridFSBucket, type Db } from 'mongodb';
import { ChecksumMismatchError, CorruptBlobError, createBlobStore, type Registry } from '../../../src/registry';
import { caught, openRegistry, sha256 } from './fixtures';
import { InputError } from '../../../src/validation/input-error';
import { isIdLookup, logCommands } from '../../support/command-log';
import { openMonitoredTestDb } from '../../support/mongo';

let db: Db;
let registry: Registry;
let close: () => Promise<void>;

beforeAll(async () => {
  ({ db, registry, close } = await openRegistry('regblob'));
});
afterAll(() => close());

/** Blob heads (under their sha256), without the documents that name ids. */
const files = async (bucket = 'artifacts') => (await db.collection<{ _id: string; chunks: number }>(`${bucket}.blobs`).find({}).toArray()).filter((d) => !d._id.startsWith('id:'));
const chunkCount = (bucket = 'artifacts') => db.collection(`${bucket}.parts`).countDocuments();
const part = (id: { toHexString(): string }, n: number) => `${id.toHexString()}#${n}`;
/** Small chunks so a modest blob spans several of them. */
const chunked = () => createBlobStore(db, 'artifacts', { chunkSizeBytes: 16 * 1024 });

describe('content-addressed blob store', () => {
  it('stores bytes under their sha256 and reads them back verified', async () => {
    const bytes = randomBytes(100 * 1024);
    const put = await chunked().put(bytes, { sha256: sha256(bytes) });
    expect(put).toMatchObject({ sha256: sha256(bytes), length: bytes.length, bucket: 'artifacts', created: true });
    expect((await registry.artifacts.read(sha256(bytes))).equals(bytes)).toBe(true);
    expect(await registry.artifacts.statById(put.id)).toMatchObject({ sha256: sha256(bytes) });
  });

  it('makes a second upload of the same bytes a no-op returning the same id', async () => {
    const bytes = randomBytes(40 * 1024);
    const first = await chunked().put(bytes, { sha256: sha256(bytes) });
    const before = await chunkCount();
    const second = await chunked().put(Buffer.from(bytes), { sha256: sha256(bytes) });
    expect(second).toMatchObject({ id: first.id, created: false });
    expect((await files()).filter((f) => f._id === sha256(bytes))).toHaveLength(1);
    expect(await chunkCount()).toBe(before);
  });

  it('keeps exactly one copy when identical uploads race', async () => {
    const bytes = randomBytes(64 * 1024);
    const results = await Promise.all(Array.from({ length: 5 }, () => chunked().put(bytes, { sha256: sha256(bytes) })));
    expect(new Set(results.map((r) => r.id.toHexString())).size).toBe(1);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    const all = await files();
    expect(all.filter((f) => f._id === sha256(bytes))).toHaveLength(1);
    for (let n = 0; n < 4; n++) expect(await db.collection('artifacts.parts').findOne({ _id: part(results[0]!.id, n) as never })).not.toBeNull();
    // The losers removed every part they wrote.
    expect(await chunkCount()).toBe(all.reduce((n, f) => n + f.chunks, 0));
  });

  it('accepts a stream, hashing while it uploads', async () => {
    const parts = [randomBytes(10_000), randomBytes(30_000), randomBytes(5)];
    const whole = Buffer.concat(parts);
    const put = await chunked().put(Readable.from(parts), { sha256: sha256(whole) });
    expect(put).toMatchObject({ length: whole.length, created: true });
    expect((await registry.artifacts.read(sha256(whole))).equals(whole)).toBe(true);
  });

  it.each([
    ['a byte array', (b: Buffer) => b],
    ['a stream', (b: Buffer) => Readable.from([b.subarray(0, 20_000), b.subarray(20_000)])],
  ])('refuses %s whose bytes do not match the declared sha256 and stores nothing', async (_kind, source) => {
    const [filesBefore, chunksBefore] = [await files(), await chunkCount()];
    const bytes = randomBytes(50 * 1024);
    const declared = sha256(randomBytes(8));
    const error = await caught(() => chunked().put(source(bytes), { sha256: declared }));
    expect(error).toBeInstanceOf(ChecksumMismatchError);
    expect(error).toMatchObject({ code: 'CHECKSUM_MISMATCH', declared, actual: sha256(bytes) });
    expect(error.message).toMatch(/sha256: declared sha256 [0-9a-f]{64} does not match the bytes \(sha256 [0-9a-f]{64}\); nothing was stored/);
    expect(await files()).toEqual(filesBefore);
    expect(await chunkCount()).toBe(chunksBefore);
  });

  it('refuses a malformed sha256', async () => {
    const error = await caught(() => registry.artifacts.put(Buffer.from('x'), { sha256: 'ABC' }));
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toMatch(/put: invalid input: \(input\): must be 64 lowercase hex digits/);
  });

  it('detects a corrupted stored chunk on read', async () => {
    const bytes = randomBytes(48 * 1024);
    const put = await chunked().put(bytes, { sha256: sha256(bytes) });
    const chunk = await db.collection('artifacts.parts').findOne({ _id: part(put.id, 1) as never });
    const data = Buffer.from(chunk!.data.buffer);
    data[100] = data[100]! ^ 0xff;
    await db.collection('artifacts.parts').updateOne({ _id: chunk!._id }, { $set: { data } });
    const error = await caught(() => registry.artifacts.read(sha256(bytes)));
    expect(error).toBeInstanceOf(CorruptBlobError);
    expect(error.message).toMatch(new RegExp(`stored blob ${sha256(bytes)} in bucket "artifacts" is corrupt: its bytes hash to [0-9a-f]{64}`));
  });

  it('detects a missing stored chunk on read', async () => {
    const bytes = randomBytes(48 * 1024);
    const put = await chunked().put(bytes, { sha256: sha256(bytes) });
    await db.collection('artifacts.parts').deleteOne({ _id: part(put.id, 2) as never });
    const error = await caught(() => registry.artifacts.read(sha256(bytes)));
    expect(error).toBeInstanceOf(CorruptBlobError);
    expect(error.message).toMatch(/part 2 of 3 is missing/);
  });

  it('keeps datasets in their own bucket', async () => {
    const bytes = Buffer.from('user_id,item_id,clicked\n1,2,1\n');
    await registry.datasets.put(bytes, { sha256: sha256(bytes) });
    expect(await registry.artifacts.stat(sha256(bytes))).toBeNull();
    expect((await registry.datasets.read(sha256(bytes))).toString()).toBe(bytes.toString());
    expect(await files('datasets')).toHaveLength(1);
  });
});

describe('blobs stored by GridFS before', () => {
  it('stay readable, found by their sha256 and their id', async () => {
    const bytes = randomBytes(70 * 1024);
    const upload = new GridFSBucket(db, { bucketName: 'artifacts', chunkSizeBytes: 16 * 1024 }).openUploadStream(sha256(bytes));
    await pipeline(Readable.from([bytes]), upload);
    expect((await registry.artifacts.read(sha256(bytes))).equals(bytes)).toBe(true);
    expect(await registry.artifacts.statById(upload.id)).toMatchObject({ sha256: sha256(bytes), length: bytes.length });
    // Uploading the same bytes again stores nothing new.
    expect(await registry.artifacts.put(bytes, { sha256: sha256(bytes) })).toMatchObject({ id: upload.id, created: false });
  });
});

describe('reads on a store of many blobs', () => {
  it('ask the store only for documents by _id', async () => {
    const mongo = await openMonitoredTestDb('regblobreads');
    try {
      const store = createBlobStore(mongo.db, 'artifacts', { chunkSizeBytes: 8 * 1024 });
      const blobs = await Promise.all(Array.from({ length: 20 }, async () => {
        const bytes = randomBytes(40 * 1024);
        return { bytes, put: await store.put(bytes, { sha256: sha256(bytes) }) };
      }));
      const { bytes, put } = blobs[7]!;
      const { result, commands } = await logCommands(mongo).during(async () => {
        const read = await store.read(put.sha256);
        await store.stat(put.sha256);
        await store.statById(put.id);
        return read;
      });
      expect(result.equals(bytes)).toBe(true);
      expect(commands.length).toBeGreaterThan(5);
      expect(commands.filter((c) => !c.filters.every(isIdLookup))).toEqual([]);
    } finally {
      await mongo.close();
    }
  });
});
