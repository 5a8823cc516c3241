import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Db } from 'mongodb';
import { isDuplicateKeyError } from '../../db/duplicate-key';
import { AUDIT_POSITIONS } from '../positions';

export const AUDIT_CHECKPOINTS = 'audit_checkpoints';

/** Why a checkpoint was issued. */
export type CheckpointReason = 'pipeline-end' | 'every-n-events' | 'on-demand';

export interface CheckpointDoc {
  /** The tree size: one checkpoint per size, as a log never signs two heads of one size. */
  _id: number;
  note: string;
  issuedAt: Date;
  reason: CheckpointReason;
}

/** A signed checkpoint as a reader found it, and where: the database, the folder, or a file someone kept. */
export interface FoundCheckpoint {
  source: string;
  note: string;
}

export class CheckpointConflictError extends Error {}

function checkpoints(db: Db) {
  return db.collection<CheckpointDoc>(AUDIT_CHECKPOINTS);
}

/**
 * Checkpoints by size under a string `_id` as well (`k<size>` in audit_positions), with a hint of the newest size: a
 * number `_id` is not one FerretDB looks up by index, and readers must not scan every checkpoint ever signed.
 */
const byKey = (db: Db) => db.collection<{ _id: string; size?: number; note?: string; issuedAt?: Date; reason?: CheckpointReason }>(AUDIT_POSITIONS);
const sizeKey = (size: number) => `k${size}`;
const NEWEST = 'checkpoint';

async function index(db: Db, doc: CheckpointDoc): Promise<void> {
  await byKey(db)
    .insertOne({ _id: sizeKey(doc._id), size: doc._id, note: doc.note, issuedAt: doc.issuedAt, reason: doc.reason })
    .catch((error: unknown) => {
      if (!isDuplicateKeyError(error)) throw error;
    });
  await byKey(db).updateOne({ _id: NEWEST }, { $max: { size: doc._id } }, { upsert: true });
}

/** Stores a checkpoint; the same note again is a no-op, another note for the same size is a fork and throws. */
export async function saveCheckpoint(db: Db, doc: CheckpointDoc): Promise<void> {
  try {
    await checkpoints(db).insertOne(doc);
  } catch (error) {
    if (!isDuplicateKeyError(error)) throw error;
    const stored = await checkpoints(db).findOne({ _id: doc._id });
    if (stored?.note !== doc.note) throw new CheckpointConflictError(`a different checkpoint of size ${doc._id} is already stored: the log forked`);
  }
  await index(db, doc);
}

/** The stored checkpoint of a size: an `_id` read, or a scan for one stored before checkpoints were indexed. */
export async function checkpointOfSizeDoc(db: Db, size: number): Promise<CheckpointDoc | null> {
  const found = await byKey(db).findOne({ _id: sizeKey(size) });
  if (found?.note) return { _id: size, note: found.note, issuedAt: found.issuedAt!, reason: found.reason! };
  return checkpoints(db).findOne({ _id: size });
}

/** The newest stored checkpoint: two `_id` reads; a scan only when the hint is missing or behind (a log from before). */
export async function latestCheckpoint(db: Db): Promise<CheckpointDoc | null> {
  const newest = (await byKey(db).findOne({ _id: NEWEST }))?.size;
  const doc = newest === undefined ? null : await checkpointOfSizeDoc(db, newest);
  if (doc) return doc;
  const scanned = await checkpoints(db).find({}).sort({ _id: -1 }).limit(1).next();
  if (scanned) await index(db, scanned);
  return scanned;
}

export async function storedCheckpoints(db: Db): Promise<CheckpointDoc[]> {
  return checkpoints(db).find({}).sort({ _id: 1 }).toArray();
}

const FILE = /^(0|[1-9][0-9]*)\.checkpoint$/;

/** Writes `<size>.checkpoint` in the folder, whole or not at all (temporary file, then rename). */
export function writeCheckpointFile(folder: string, size: number, note: string): void {
  mkdirSync(folder, { recursive: true });
  const path = join(folder, `${size}.checkpoint`);
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, note, { mode: 0o644 });
  renameSync(temporary, path);
}

/** The checkpoints kept in a folder; none when it does not exist. */
export function readCheckpointFiles(folder: string): FoundCheckpoint[] {
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return names.filter((n) => FILE.test(n)).map((n) => ({ source: join(folder, n), note: readFileSync(join(folder, n), 'utf8') }));
}
