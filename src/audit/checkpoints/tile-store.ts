import { Binary, MongoBulkWriteError, type Db } from 'mongodb';
import { isDuplicateKeyError } from '../../db/duplicate-key';
import { edgeTiles, tileHashes, tileId, type Tile } from '../merkle/tiles';

export const AUDIT_TILES = 'audit_tiles';

interface TileDoc {
  _id: string;
  hashes: Binary;
}

function tiles(db: Db) {
  return db.collection<TileDoc>(AUDIT_TILES);
}

/**
 * Stores tiles; one already stored is left alone. Tiles are derived from the events, so a tile written twice (a
 * retried checkpoint, two workers) holds the same hashes, and anything that reads one checks it against a signed root.
 */
export async function saveTiles(db: Db, list: Tile[]): Promise<void> {
  if (list.length === 0) return;
  const docs = list.map((t) => ({ _id: tileId(t.level, t.index, t.hashes.length), hashes: new Binary(Buffer.concat(t.hashes)) }));
  try {
    await tiles(db).insertMany(docs, { ordered: false });
  } catch (error) {
    const writeErrors = error instanceof MongoBulkWriteError ? [error.writeErrors].flat() : [error];
    if (!writeErrors.every((e) => isDuplicateKeyError(e))) throw error;
  }
}

/** The stored tiles among `ids`, by id: one `_id` read each, as `$in` would read every tile stored on FerretDB. */
export async function readTiles(db: Db, ids: string[]): Promise<Map<string, Buffer[]>> {
  const found = new Map<string, Buffer[]>();
  const docs = await Promise.all([...new Set(ids)].map((id) => tiles(db).findOne({ _id: id })));
  for (const doc of docs) if (doc) found.set(doc._id, tileHashes(doc.hashes.buffer));
  return found;
}

/** The partial tiles of the tree of `size` leaves as stored, or undefined when any is missing. */
export async function readEdge(db: Db, size: number): Promise<Tile[] | undefined> {
  const edge = edgeTiles(size);
  const found = await readTiles(db, edge.map((t) => t.id));
  if (edge.some((t) => !found.has(t.id))) return undefined;
  return edge.map((t) => ({ level: t.level, index: t.index, hashes: found.get(t.id)! }));
}
