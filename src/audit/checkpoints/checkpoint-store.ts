import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Binary, type Db } from 'mongodb';
import { isDuplicateKeyError } from '../../db/duplicate-key';
import { tileHashes, tileId, TileRows, type Tile } from '../merkle/tiles';
import { parseCheckpointText } from './checkpoint-text';
import { splitNote } from './signed-note';
import { readEdge } from './tile-store';
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

/** A checkpoint as a proof reads it: with the partial tiles of its size, when they were stored beside it. */
export interface CheckpointWithEdge extends CheckpointDoc {
  edge: Map<string, Buffer[]>;
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
 * number `_id` is not one FerretDB looks up by index, and readers must not scan every checkpoint ever signed. The
 * `k<size>` document also holds the right edge of the tree at that size (its partial tiles): every proof against the
 * checkpoint needs them, and read apart they would cost one read per 8 levels of the tree.
 */
interface KeyDoc {
  _id: string;
  size?: number;
  note?: string;
  issuedAt?: Date;
  reason?: CheckpointReason;
  edge?: { id: string; hashes: Binary }[];
}
const byKey = (db: Db) => db.collection<KeyDoc>(AUDIT_POSITIONS);
const sizeKey = (size: number) => `k${size}`;
const NEWEST = 'checkpoint';

const storedEdge = (edge: Tile[]) => edge.map((t) => ({ id: tileId(t.level, t.index, t.hashes.length), hashes: new Binary(Buffer.concat(t.hashes)) }));

async function index(db: Db, doc: CheckpointDoc, edge: Tile[]): Promise<void> {
  await byKey(db)
    .insertOne({ _id: sizeKey(doc._id), size: doc._id, note: doc.note, issuedAt: doc.issuedAt, reason: doc.reason, edge: storedEdge(edge) })
    .catch((error: unknown) => {
      if (!isDuplicateKeyError(error)) throw error;
    });
  await byKey(db).updateOne({ _id: NEWEST }, { $max: { size: doc._id } }, { upsert: true });
}

/**
 * Stores a checkpoint with the partial tiles of its size; the same note again is a no-op, another note for the same
 * size is a fork and throws.
 */
export async function saveCheckpoint(db: Db, doc: CheckpointDoc, edge: Tile[]): Promise<void> {
  try {
    await checkpoints(db).insertOne(doc);
  } catch (error) {
    if (!isDuplicateKeyError(error)) throw error;
    const stored = await checkpoints(db).findOne({ _id: doc._id });
    if (stored?.note !== doc.note) throw new CheckpointConflictError(`a different checkpoint of size ${doc._id} is already stored: the log forked`);
  }
  await index(db, doc, edge);
}

/** The stored checkpoint of a size: an `_id` read, or a scan for one stored before checkpoints were indexed. */
export async function checkpointOfSizeDoc(db: Db, size: number): Promise<CheckpointWithEdge | null> {
  const found = await byKey(db).findOne({ _id: sizeKey(size) });
  if (found?.note) {
    const edge = new Map((found.edge ?? []).map((t) => [t.id, tileHashes(t.hashes.buffer)]));
    return { _id: size, note: found.note, issuedAt: found.issuedAt!, reason: found.reason!, edge };
  }
  const doc = await checkpoints(db).findOne({ _id: size });
  return doc && { ...doc, edge: new Map() };
}

/** The size of the newest stored checkpoint as its hint says: one `_id` read; undefined without a hint. */
export async function newestCheckpointSize(db: Db): Promise<number | undefined> {
  return (await byKey(db).findOne({ _id: NEWEST }))?.size;
}

/** The newest stored checkpoint: two `_id` reads; a scan only when the hint is missing or behind (a log from before). */
export async function latestCheckpoint(db: Db): Promise<CheckpointWithEdge | null> {
  const newest = await newestCheckpointSize(db);
  const doc = newest === undefined ? null : await checkpointOfSizeDoc(db, newest);
  if (doc) return doc;
  const scanned = await checkpoints(db).find({}).sort({ _id: -1 }).limit(1).next();
  if (!scanned) return null;
  await index(db, scanned, []);
  return { ...scanned, edge: new Map() };
}

/**
 * Gives the newest checkpoint the partial tiles of its size when it was stored without them (before they were kept
 * with it), once those tiles give its signed root; until the next checkpoint, proofs then read them with it.
 */
export async function keepNewestEdge(db: Db): Promise<void> {
  const newest = await newestCheckpointSize(db);
  const doc = newest === undefined ? null : await byKey(db).findOne({ _id: sizeKey(newest) });
  if (newest === undefined || !doc?.note || doc.edge) return;
  const edge = await readEdge(db, newest);
  if (!edge || !TileRows.at(newest, edge).root().equals(parseCheckpointText(splitNote(doc.note).text).root)) return;
  await byKey(db).updateOne({ _id: sizeKey(newest) }, { $set: { edge: storedEdge(edge) } });
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
