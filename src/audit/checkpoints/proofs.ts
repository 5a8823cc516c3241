import type { Db } from 'mongodb';
import { AuditProofError } from '../errors';
import { eventLeaf } from '../hash';
import { auditCollection } from '../indexes';
import { consistencyRanges, inclusionRanges, rangeHash, rangeNodes, type Range } from '../merkle/subtrees';
import { edgeTiles, tileNodeSource, tilesFor } from '../merkle/tiles';
import { leafHash } from '../merkle/tree-hash';
import { consistencyHolds, inclusionHolds } from '../merkle/verify-proofs';
import type { StoredAuditEvent } from '../schemas';
import { openCheckpoint, parseCheckpointText, type TreeHead } from './checkpoint-text';
import { checkpointOfSizeDoc, latestCheckpoint, newestCheckpointSize, type CheckpointWithEdge } from './checkpoint-store';
import type { NoteVerifier } from './note-keys';
import { splitNote } from './signed-note';
import { readTiles } from './tile-store';

export interface SignedHead extends TreeHead {
  note: string;
  /** The partial tiles of this size stored with the checkpoint, by tile id; proofs read only the other tiles. */
  edge: Map<string, Buffer[]>;
}

export interface InclusionProof {
  index: number;
  leaf: Buffer;
  proof: Buffer[];
  head: SignedHead;
}

/** The head of a stored checkpoint; with a verifier, only once its signature holds. */
function headOf(doc: CheckpointWithEdge, verifier?: NoteVerifier): SignedHead {
  const head = verifier ? openCheckpoint(doc.note, verifier) : parseCheckpointText(splitNote(doc.note).text);
  return { ...head, note: doc.note, edge: doc.edge };
}

/** The newest stored checkpoint that covers `size` events, or why there is none. */
export async function checkpointCovering(db: Db, size: number, verifier?: NoteVerifier): Promise<SignedHead> {
  return covering(await latestCheckpoint(db), size, verifier);
}

function covering(newest: CheckpointWithEdge | null, size: number, verifier?: NoteVerifier): SignedHead {
  if (!newest || newest._id < size) {
    throw new AuditProofError(`no checkpoint covers ${size} events yet (the newest signs ${newest?._id ?? 0}): run \`modelship audit checkpoint\` where the signing key is`);
  }
  return headOf(newest, verifier);
}

export async function checkpointOfSize(db: Db, size: number, verifier?: NoteVerifier): Promise<SignedHead> {
  const doc = await checkpointOfSizeDoc(db, size);
  if (!doc) throw new AuditProofError(`no checkpoint of size ${size} is stored: proofs are given against checkpointed sizes`);
  return headOf(doc, verifier);
}

/** The full tiles of the tree of `size` leaves that a leaf's proof needs: the ones not kept with a checkpoint. */
function fullTilesFor(index: number, size: number): string[] {
  const edge = new Set(edgeTiles(size).map((t) => t.id));
  return tilesFor(inclusionRanges(index, size).flatMap(rangeNodes), size).filter((id) => !edge.has(id));
}

/** The hashes of these subtrees of the head's tree, from the tiles given, those stored with the head, and the others read. */
async function subtreeHashes(db: Db, ranges: Range[], head: SignedHead, given = new Map<string, Buffer[]>()): Promise<Buffer[]> {
  const ids = tilesFor(ranges.flatMap(rangeNodes), head.size);
  const tiles = await readTiles(db, ids.filter((id) => !head.edge.has(id) && !given.has(id)));
  for (const known of [head.edge, given]) for (const [id, hashes] of known) tiles.set(id, hashes);
  const missing = ids.filter((id) => !tiles.has(id));
  if (missing.length > 0) throw new AuditProofError(`the stored tree lacks tile ${missing.join(', ')}`);
  const source = tileNodeSource(tiles, head.size);
  return ranges.map((r) => rangeHash(r, source));
}

/** Inclusion proofs of several leaves against one head, each checked against the head's root before it is returned. */
export async function proveLeaves(db: Db, leaves: { index: number; leaf: Buffer }[], head: SignedHead, given?: Map<string, Buffer[]>): Promise<InclusionProof[]> {
  const paths = leaves.map((l) => inclusionRanges(l.index, head.size));
  const hashes = await subtreeHashes(db, paths.flat(), head, given);
  let at = 0;
  return leaves.map((l, i) => {
    const proof = hashes.slice(at, (at += paths[i]!.length));
    if (!inclusionHolds(l.leaf, l.index, head.size, proof, head.root)) {
      throw new AuditProofError(`the log's event at global seq ${l.index + 1} is not the one checkpoint ${head.size} signed: run \`modelship audit verify\``);
    }
    return { ...l, proof, head };
  });
}

/**
 * An event's inclusion proof against the newest checkpoint, in two round trips: the event and the newest size, then
 * the checkpoint (with its tree's right edge) and the full tiles on the event's path, which those two determine.
 */
export async function proveEvent(db: Db, eventId: string, verifier?: NoteVerifier): Promise<{ event: StoredAuditEvent; proof: InclusionProof }> {
  const [event, size] = await Promise.all([auditCollection(db).findOne({ _id: eventId }), newestCheckpointSize(db)]);
  if (!event) throw new AuditProofError(`event "${eventId}" is not in the log`);
  const index = event.globalSeq - 1;
  const [newest, tiles] =
    size !== undefined && size >= event.globalSeq
      ? await Promise.all([checkpointOfSizeDoc(db, size), readTiles(db, fullTilesFor(index, size))])
      : [await latestCheckpoint(db), undefined];
  const head = covering(newest, event.globalSeq, verifier);
  const [proof] = await proveLeaves(db, [{ index, leaf: leafHash(eventLeaf(event)) }], head, tiles);
  return { event, proof: proof! };
}

export interface ConsistencyProof {
  old: SignedHead | { size: number; root?: undefined; note?: undefined };
  head: SignedHead;
  proof: Buffer[];
}

/** A proof that the checkpoint of `size` events (default: the newest) extends the log of its first `old` events. */
export async function proveConsistency(db: Db, old: number, size: number | undefined, verifier?: NoteVerifier): Promise<ConsistencyProof> {
  const head = size === undefined ? await checkpointCovering(db, old, verifier) : await checkpointOfSize(db, size, verifier);
  if (old > head.size) throw new AuditProofError(`old size ${old} is larger than the new size ${head.size}`);
  const proof = await subtreeHashes(db, consistencyRanges(old, head.size), head);
  const oldHead = await checkpointOfSizeDoc(db, old);
  if (oldHead) {
    const signed = headOf(oldHead, verifier);
    if (!consistencyHolds(old, head.size, proof, signed.root, head.root)) {
      throw new AuditProofError(`checkpoints ${old} and ${head.size} are not consistent: the log was rewritten between them`);
    }
    return { old: signed, head, proof };
  }
  return { old: { size: old }, head, proof };
}

/** C2SP tlog-proof text, the event's leaf bytes as the extra data, so the proof stands alone. */
export function tlogProofText(leafBytes: Buffer, proof: InclusionProof): string {
  const hashes = proof.proof.map((h) => `${h.toString('base64')}\n`).join('');
  return `c2sp.org/tlog-proof@v1\nextra ${leafBytes.toString('base64')}\nindex ${proof.index}\n${hashes}\n${proof.head.note}`;
}
