import { EMPTY_ROOT, HASH_BYTES, nodeHash } from './tree-hash';
import { rangeHash, type NodeId, type NodeSource } from './subtrees';

/**
 * The tree is stored as tiles, as in C2SP tlog-tiles: a tile holds 256 consecutive node hashes of one level (0, 8,
 * 16, ...), from which every node of the 8 levels above them is recomputed. A proof then reads one tile per 8 levels
 * instead of one record per node. A full tile never changes; a partial one is stored per width, so a tile once written
 * is never rewritten, and every checkpointed size keeps the partial tiles its proofs need.
 */
export const TILE_HEIGHT = 8;
export const TILE_WIDTH = 2 ** TILE_HEIGHT;

export interface Tile {
  /** The tree level of the hashes this tile holds: a multiple of TILE_HEIGHT. */
  level: number;
  index: number;
  hashes: Buffer[];
}

export function tileId(level: number, index: number, width: number): string {
  return width === TILE_WIDTH ? `${level}/${index}` : `${level}/${index}.p/${width}`;
}

/** How many hashes of a tile row exist in a tree of `size` leaves: the complete subtrees of that level. */
function rowLength(level: number, size: number): number {
  return Math.floor(size / 2 ** level);
}

/** The partial tiles of a tree of `size` leaves: the last tile of each row that does not fill it, bottom first. */
export function edgeTiles(size: number): { level: number; index: number; id: string }[] {
  const out: { level: number; index: number; id: string }[] = [];
  for (let level = 0; rowLength(level, size) > 0; level += TILE_HEIGHT) {
    const length = rowLength(level, size);
    const index = Math.floor(length / TILE_WIDTH);
    if (length % TILE_WIDTH > 0) out.push({ level, index, id: tileId(level, index, length % TILE_WIDTH) });
  }
  return out;
}

/** The id of the tile holding the given hash of row `level` as the tree of `size` leaves has it. */
function tileFor(level: number, position: number, size: number): { id: string; index: number } {
  const index = Math.floor(position / TILE_WIDTH);
  const width = Math.min(TILE_WIDTH, rowLength(level, size) - index * TILE_WIDTH);
  return { id: tileId(level, index, width), index };
}

/** Hash of `count` (a power of two) consecutive entries of a tile, from `offset`. */
function withinTile(hashes: Buffer[], offset: number, count: number): Buffer {
  if (count === 1) {
    const h = hashes[offset];
    if (!h) throw new Error(`tile entry ${offset} is missing`);
    return h;
  }
  const half = count / 2;
  return nodeHash(withinTile(hashes, offset, half), withinTile(hashes, offset + half, half));
}

function locate(node: NodeId): { row: number; first: number; count: number } {
  const row = Math.floor(node.level / TILE_HEIGHT) * TILE_HEIGHT;
  const count = 2 ** (node.level - row);
  return { row, first: node.index * count, count };
}

/** The tile ids a tree of `size` leaves needs to give the hashes of these nodes. */
export function tilesFor(nodes: NodeId[], size: number): string[] {
  return [...new Set(nodes.map((n) => locate(n)).map((l) => tileFor(l.row, l.first, size).id))];
}

/**
 * Node hashes of the tree of `size` leaves, from the tiles a reader fetched (see tilesFor). Every node computed is
 * kept: the proofs of many leaves share most of their nodes, and recomputing a node 7 levels above its tile's row
 * hashes 255 nodes each time.
 */
export function tileNodeSource(tiles: Map<string, Buffer[]>, size: number): NodeSource {
  const known = new Map<string, Buffer>();
  const source: NodeSource = (node) => {
    const key = `${node.level}/${node.index}`;
    const kept = known.get(key);
    if (kept) return kept;
    const row = Math.floor(node.level / TILE_HEIGHT) * TILE_HEIGHT;
    const hash =
      node.level > row
        ? nodeHash(source({ level: node.level - 1, index: 2 * node.index }), source({ level: node.level - 1, index: 2 * node.index + 1 }))
        : fromTile(tiles, row, node.index, size);
    known.set(key, hash);
    return hash;
  };
  return source;
}

function fromTile(tiles: Map<string, Buffer[]>, row: number, position: number, size: number): Buffer {
  const { id, index } = tileFor(row, position, size);
  const hashes = tiles.get(id);
  if (!hashes) throw new Error(`tile ${id} is not stored`);
  const hash = hashes[position - index * TILE_WIDTH];
  if (!hash) throw new Error(`tile ${id} has no entry ${position - index * TILE_WIDTH}`);
  return hash;
}

/** Splits a tile's stored bytes into its hashes. */
export function tileHashes(bytes: Uint8Array): Buffer[] {
  if (bytes.length % HASH_BYTES !== 0) throw new Error(`a tile of ${bytes.length} bytes is not a whole number of hashes`);
  const buffer = Buffer.from(bytes);
  return Array.from({ length: buffer.length / HASH_BYTES }, (_, i) => buffer.subarray(i * HASH_BYTES, (i + 1) * HASH_BYTES));
}

/**
 * The right edge of the tree as tiles: the rightmost tile of each row, growing with every leaf. Enough for the root at
 * the current size, and for writing the tiles of a checkpoint.
 */
export class TileRows {
  private readonly rows: Tile[] = [];
  size = 0;

  /** Starts from the partial tiles of a stored size (none for a size that fills its tiles exactly). */
  static at(size: number, partials: Tile[]): TileRows {
    const rows = new TileRows();
    rows.size = size;
    for (let level = 0; rowLength(level, size) > 0; level += TILE_HEIGHT) {
      const length = rowLength(level, size);
      const index = Math.floor(length / TILE_WIDTH);
      const width = length - index * TILE_WIDTH;
      const partial = partials.find((t) => t.level === level && t.index === index);
      if (width > 0 && partial?.hashes.length !== width) throw new Error(`tile ${tileId(level, index, width)} is missing`);
      rows.rows.push({ level, index, hashes: width > 0 ? [...partial!.hashes] : [] });
    }
    return rows;
  }

  /** Adds a leaf; returns the tiles it filled, which are final from now on. */
  add(leaf: Buffer): Tile[] {
    const full: Tile[] = [];
    let [row, hash] = [0, leaf];
    for (;;) {
      const tile = (this.rows[row] ??= { level: row * TILE_HEIGHT, index: 0, hashes: [] });
      tile.hashes.push(hash);
      if (tile.hashes.length < TILE_WIDTH) break;
      full.push({ ...tile, hashes: tile.hashes });
      hash = withinTile(tile.hashes, 0, TILE_WIDTH);
      this.rows[row] = { level: tile.level, index: tile.index + 1, hashes: [] };
      row++;
    }
    this.size++;
    return full;
  }

  /** The partial tiles of the current size, one per row that has one. */
  partials(): Tile[] {
    return this.rows.filter((t) => t.hashes.length > 0).map((t) => ({ ...t, hashes: [...t.hashes] }));
  }

  root(): Buffer {
    if (this.size === 0) return EMPTY_ROOT;
    const current = new Map(this.rows.filter((t) => t.hashes.length > 0).map((t) => [tileId(t.level, t.index, t.hashes.length), t.hashes]));
    return rangeHash({ lo: 0, hi: this.size }, tileNodeSource(current, this.size));
  }
}
