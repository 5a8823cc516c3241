import { createHash } from 'node:crypto';
import { Binary, GridFSBucket, MongoGridFSChunkError, ObjectId, type Collection, type Db, type GridFSFile } from 'mongodb';
import { isDuplicateKeyError } from '../db/duplicate-key';
import { BlobNotFoundError, ChecksumMismatchError, CorruptBlobError } from './errors';
import { sha256Schema, type BucketName } from './schemas';
import { parseInput } from '../validation/input-error';

export interface BlobInfo {
  id: ObjectId;
  sha256: string;
  length: number;
  bucket: BucketName;
  uploadDate: Date;
}

export interface PutResult extends BlobInfo {
  /** False when the same bytes were already stored: content addressing made the upload a no-op. */
  created: boolean;
}

export type BlobSource = Uint8Array | AsyncIterable<Uint8Array>;

/** A blob's head, under its sha256: what makes it visible, written after every part. */
interface HeadDoc {
  _id: string;
  id: ObjectId;
  length: number;
  chunkSize: number;
  chunks: number;
  uploadDate: Date;
}

/** The sha256 of the blob an id names (`id:<hex>`), written before the head. */
interface IdDoc {
  _id: string;
  sha256: string;
}

interface PartDoc {
  _id: string;
  data: Binary;
}

/** GridFS's default, so parts are the size the driver used to write. */
const DEFAULT_CHUNK_BYTES = 255 * 1024;
/** Parts read at once. */
const PARALLEL_PARTS = 8;

const idKey = (id: ObjectId) => `id:${id.toHexString()}`;
const partKey = (id: ObjectId, n: number) => `${id.toHexString()}#${n}`;

function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * Content-addressed blobs, every document read by `_id` (FerretDB 1.x answers nothing else from an index, and GridFS
 * finds a file's chunks with a query on `files_id`, which read every chunk of every blob): a head under the sha256
 * (`<bucket>.blobs`), and parts under `<id>#<n>` (`<bucket>.parts`). The same bytes are stored once whoever uploads
 * them: the head's `_id` lets one upload in. Blobs stored by GridFS before stay readable through it.
 */
export class BlobStore {
  private readonly heads: Collection<HeadDoc | IdDoc>;
  private readonly parts: Collection<PartDoc>;
  private readonly legacy: GridFSBucket;
  private readonly legacyFiles: Collection<GridFSFile>;
  private readonly chunkSize: number;

  constructor(
    db: Db,
    readonly name: BucketName,
    chunkSizeBytes?: number,
  ) {
    this.heads = db.collection<HeadDoc | IdDoc>(`${name}.blobs`);
    this.parts = db.collection<PartDoc>(`${name}.parts`);
    this.legacy = new GridFSBucket(db, { bucketName: name });
    this.legacyFiles = db.collection<GridFSFile>(`${name}.files`);
    this.chunkSize = chunkSizeBytes ?? DEFAULT_CHUNK_BYTES;
  }

  /**
   * Stores bytes whose sha256 the caller declares. A byte array is checked before anything is written; a stream is
   * hashed while it uploads and its parts removed on mismatch. Either way a mismatch throws ChecksumMismatchError and
   * leaves nothing visible. Concurrent uploads of the same bytes all succeed with the same id (see store).
   */
  async put(data: BlobSource, options: { sha256: string }): Promise<PutResult> {
    const declared = parseInput('put', sha256Schema, options.sha256);
    if (data instanceof Uint8Array) {
      const actual = sha256Hex(data);
      if (actual !== declared) throw new ChecksumMismatchError('sha256', declared, actual);
      const existing = await this.stat(declared);
      return existing ? { ...existing, created: false } : this.store([data], declared);
    }
    const existing = await this.stat(declared);
    if (!existing) return this.store(data, declared);
    const hash = createHash('sha256');
    for await (const chunk of data) hash.update(chunk);
    const actual = hash.digest('hex');
    if (actual !== declared) throw new ChecksumMismatchError('sha256', declared, actual);
    return { ...existing, created: false };
  }

  async stat(sha256: string): Promise<BlobInfo | null> {
    const head = (await this.heads.findOne({ _id: sha256 })) as HeadDoc | null;
    if (head) return this.info(head);
    // Only a store written by GridFS has files; on one that has none this reads nothing.
    const file = await this.legacyFiles.findOne({ filename: sha256 });
    return file ? this.legacyInfo(file) : null;
  }

  async statById(id: ObjectId): Promise<BlobInfo | null> {
    const named = (await this.heads.findOne({ _id: idKey(id) })) as IdDoc | null;
    if (named) {
      const blob = await this.stat(named.sha256);
      return blob?.id.equals(id) ? blob : null;
    }
    const file = await this.legacyFiles.findOne({ _id: id });
    return file ? this.legacyInfo(file) : null;
  }

  /** The bytes of a blob, returned only after they hash to the address they are stored under. */
  async read(sha256: string): Promise<Buffer> {
    const digest = parseInput('read', sha256Schema, sha256);
    const head = (await this.heads.findOne({ _id: digest })) as HeadDoc | null;
    const bytes = head ? await this.readParts(head) : await this.readLegacy(digest);
    const actual = sha256Hex(bytes);
    if (actual !== digest) throw new CorruptBlobError(this.name, digest, `its bytes hash to ${actual}`);
    return bytes;
  }

  private async readParts(head: HeadDoc): Promise<Buffer> {
    const parts: Buffer[] = [];
    for (let from = 0; from < head.chunks; from += PARALLEL_PARTS) {
      const ns = Array.from({ length: Math.min(PARALLEL_PARTS, head.chunks - from) }, (_, i) => from + i);
      const docs = await Promise.all(ns.map((n) => this.parts.findOne({ _id: partKey(head.id, n) })));
      docs.forEach((doc, i) => {
        if (!doc) throw new CorruptBlobError(this.name, head._id, `part ${ns[i]} of ${head.chunks} is missing`);
        parts.push(Buffer.from(doc.data.buffer));
      });
    }
    return Buffer.concat(parts);
  }

  private async readLegacy(digest: string): Promise<Buffer> {
    const file = await this.legacyFiles.findOne({ filename: digest });
    if (!file) throw new BlobNotFoundError(this.name, `sha256 ${digest}`);
    const parts: Buffer[] = [];
    try {
      for await (const chunk of this.legacy.openDownloadStream(file._id)) parts.push(chunk as Buffer);
    } catch (error) {
      if (error instanceof MongoGridFSChunkError) throw new CorruptBlobError(this.name, digest, error.message);
      throw error;
    }
    return Buffer.concat(parts);
  }

  /**
   * Uploads under a new id: the parts first, hashed on the way, then the id's name, then the head, which makes the
   * blob visible. A mismatch removes the parts before anything names them. Of two identical uploads racing, the head's
   * `_id` lets one in; the other removes what it wrote and returns the winner.
   */
  private async store(source: Iterable<Uint8Array> | AsyncIterable<Uint8Array>, declared: string): Promise<PutResult> {
    const id = new ObjectId();
    const hash = createHash('sha256');
    let [chunks, length, pending] = [0, 0, [] as Buffer[]];
    let buffered = 0;
    const flush = async (all: boolean) => {
      let joined = Buffer.concat(pending);
      while (joined.length >= this.chunkSize || (all && joined.length > 0)) {
        const data = joined.subarray(0, this.chunkSize);
        await this.parts.insertOne({ _id: partKey(id, chunks), data: new Binary(data) });
        chunks++;
        joined = joined.subarray(data.length);
      }
      [pending, buffered] = [[joined], joined.length];
    };
    try {
      for await (const chunk of source) {
        hash.update(chunk);
        length += chunk.length;
        pending.push(Buffer.from(chunk));
        buffered += chunk.length;
        if (buffered >= this.chunkSize) await flush(false);
      }
      await flush(true);
      const actual = hash.digest('hex');
      if (actual !== declared) throw new ChecksumMismatchError('sha256', declared, actual);
    } catch (error) {
      await this.discard(id, chunks + 1);
      throw error;
    }
    const head: HeadDoc = { _id: declared, id, length, chunkSize: this.chunkSize, chunks, uploadDate: new Date() };
    try {
      await this.heads.insertOne({ _id: idKey(id), sha256: declared });
      await this.heads.insertOne(head);
    } catch (error) {
      await this.discard(id, chunks);
      await this.heads.deleteOne({ _id: idKey(id) });
      if (!isDuplicateKeyError(error)) throw error;
      const winner = await this.stat(declared);
      if (!winner) throw new Error(`blob ${declared}: lost the upload race but the winner is missing`);
      return { ...winner, created: false };
    }
    return { ...this.info(head), created: true };
  }

  /** Removes the parts an upload wrote, each by its `_id`. */
  private async discard(id: ObjectId, chunks: number): Promise<void> {
    for (let n = 0; n < chunks; n++) await this.parts.deleteOne({ _id: partKey(id, n) });
  }

  private info(head: HeadDoc): BlobInfo {
    return { id: head.id, sha256: head._id, length: head.length, bucket: this.name, uploadDate: head.uploadDate };
  }

  private legacyInfo(file: GridFSFile): BlobInfo {
    return { id: file._id, sha256: file.filename, length: file.length, bucket: this.name, uploadDate: file.uploadDate };
  }
}

export function createBlobStore(db: Db, bucket: BucketName, options: { chunkSizeBytes?: number } = {}): BlobStore {
  return new BlobStore(db, bucket, options.chunkSizeBytes);
}
