import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { GridFSBucket, MongoGridFSChunkError, type Collection, type Db, type GridFSFile, type ObjectId } from 'mongodb';
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

function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * Content-addressed GridFS bucket: a file's `filename` is the sha256 of its bytes, behind a unique index
 * (ensureRegistryIndexes), so the same bytes are stored once whoever uploads them and however often.
 */
export class BlobStore {
  private readonly bucket: GridFSBucket;
  private readonly files: Collection<GridFSFile>;
  private readonly chunks: Collection;

  constructor(
    db: Db,
    readonly name: BucketName,
    chunkSizeBytes?: number,
  ) {
    this.bucket = new GridFSBucket(db, { bucketName: name, ...(chunkSizeBytes ? { chunkSizeBytes } : {}) });
    this.files = db.collection<GridFSFile>(`${name}.files`);
    this.chunks = db.collection(`${name}.chunks`);
  }

  /**
   * Stores bytes whose sha256 the caller declares. A byte array is checked before anything is written; a stream is
   * hashed while it uploads and discarded on mismatch. Either way a mismatch throws ChecksumMismatchError and leaves
   * nothing behind. Concurrent uploads of the same bytes all succeed with the same id (see store).
   */
  async put(data: BlobSource, options: { sha256: string }): Promise<PutResult> {
    const declared = parseInput('put', sha256Schema, options.sha256);
    if (data instanceof Uint8Array) {
      const actual = sha256Hex(data);
      if (actual !== declared) throw new ChecksumMismatchError('sha256', declared, actual);
      const existing = await this.stat(declared);
      return existing ? { ...existing, created: false } : this.store(Readable.from([data]), declared);
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
    const file = await this.files.findOne({ filename: sha256 });
    return file ? this.info(file) : null;
  }

  async statById(id: ObjectId): Promise<BlobInfo | null> {
    const file = await this.files.findOne({ _id: id });
    return file ? this.info(file) : null;
  }

  /** The bytes of a blob, returned only after they hash to the address they are stored under. */
  async read(sha256: string): Promise<Buffer> {
    const digest = parseInput('read', sha256Schema, sha256);
    const info = await this.stat(digest);
    if (!info) throw new BlobNotFoundError(this.name, `sha256 ${digest}`);
    const hash = createHash('sha256');
    const parts: Buffer[] = [];
    try {
      for await (const chunk of this.bucket.openDownloadStream(info.id)) {
        hash.update(chunk as Buffer);
        parts.push(chunk as Buffer);
      }
    } catch (error) {
      if (error instanceof MongoGridFSChunkError) throw new CorruptBlobError(this.name, digest, error.message);
      throw error;
    }
    const actual = hash.digest('hex');
    if (actual !== digest) throw new CorruptBlobError(this.name, digest, `its bytes hash to ${actual}`);
    return Buffer.concat(parts);
  }

  /**
   * Uploads under the content address itself. The GridFS driver writes the files document, which makes the blob
   * visible, only after the last chunk, and only if the stream ends cleanly: the hashing stage throws on a mismatch
   * before that, so a mismatching upload never becomes visible and its chunks are deleted. Of two identical uploads
   * racing, the unique index lets one files document in; the other gets a duplicate-key error, deletes its own
   * chunks and returns the winner.
   */
  private async store(source: AsyncIterable<Uint8Array>, declared: string): Promise<PutResult> {
    const upload = this.bucket.openUploadStream(declared);
    try {
      await pipeline(
        source,
        async function* verify(chunks: AsyncIterable<Uint8Array>) {
          const hash = createHash('sha256');
          for await (const chunk of chunks) {
            hash.update(chunk);
            yield chunk;
          }
          const actual = hash.digest('hex');
          if (actual !== declared) throw new ChecksumMismatchError('sha256', declared, actual);
        },
        upload,
      );
    } catch (error) {
      await this.discard(upload.id);
      if (!isDuplicateKeyError(error)) throw error;
      const winner = await this.stat(declared);
      if (!winner) throw new Error(`blob ${declared}: lost the upload race but the winner is missing`);
      return { ...winner, created: false };
    }
    const file = upload.gridFSFile;
    if (!file) throw new Error(`blob ${declared}: upload finished without a files document`);
    return { ...this.info(file), created: true };
  }

  private async discard(id: ObjectId): Promise<void> {
    await this.files.deleteOne({ _id: id });
    await this.chunks.deleteMany({ files_id: id });
  }

  private info(file: GridFSFile): BlobInfo {
    return { id: file._id, sha256: file.filename, length: file.length, bucket: this.name, uploadDate: file.uploadDate };
  }
}

export function createBlobStore(db: Db, bucket: BucketName, options: { chunkSizeBytes?: number } = {}): BlobStore {
  return new BlobStore(db, bucket, options.chunkSizeBytes);
}
