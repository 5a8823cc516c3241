import type { Db } from 'mongodb';
import { eventHash, eventLeaf } from '../hash';
import { auditCollection } from '../indexes';
import { readNumbered } from '../../db/numbered-list';
import { globalKey, positions } from '../positions';
import { leafHash } from '../merkle/tree-hash';
import { TileRows, type Tile } from '../merkle/tiles';
import type { StoredAuditEvent } from '../schemas';
import { latestCheckpoint, readCheckpointFiles, saveCheckpoint, writeCheckpointFile, type CheckpointReason } from './checkpoint-store';
import { parseCheckpointText, signCheckpoint } from './checkpoint-text';
import { parseVerifierKey, type NoteSigner } from './note-keys';
import { openNote } from './signed-note';
import { readEdge, saveTiles } from './tile-store';

export interface CheckpointerOptions {
  signer: NoteSigner;
  /** The folder outside the database that keeps a copy of every checkpoint. */
  folder: string;
  /** Issue a checkpoint once this many events are not yet covered by one. */
  every?: number;
}

export interface IssuedCheckpoint {
  size: number;
  root: Buffer;
  note: string;
}

/** Events whose append ends a pipeline: each is covered by a checkpoint before its append returns. */
const PIPELINE_ENDS = new Set(['pipeline.promoted', 'pipeline.rolled_back', 'pipeline.rejected', 'pipeline.expired', 'pipeline.failed']);

export function endsPipeline(event: Pick<StoredAuditEvent, 'type'>): boolean {
  return PIPELINE_ENDS.has(event.type);
}

export class CheckpointRefusedError extends Error {}

/**
 * Extends the Merkle tree over the log and signs checkpoints of it. Fed the events its own process appends, it
 * extends the tree without reading them back; events appended elsewhere are read from the database, and checked
 * against their own hashes and links first, since a checkpoint vouches for everything before it.
 * Issues run one at a time, and the first resumes from the newest checkpoint issued (see resume).
 */
export class Checkpointer {
  private rows: TileRows | undefined;
  /** The global hash of the newest event in the tree, to check the link of the next one. */
  private head: string | undefined;
  private fed: StoredAuditEvent[] = [];
  private filled: Tile[] = [];
  private issuing: Promise<unknown> = Promise.resolve();
  private readonly every: number;

  constructor(
    private readonly db: Db,
    private readonly options: CheckpointerOptions,
  ) {
    this.every = options.every ?? 1000;
  }

  get origin(): string {
    return this.options.signer.name;
  }

  get vkey(): string {
    return this.options.signer.vkey;
  }

  /** Events this process appended, in order. */
  feed(events: StoredAuditEvent[]): void {
    this.fed.push(...events);
  }

  /** Whether enough events await a checkpoint. */
  due(): boolean {
    return this.fed.length >= this.every;
  }

  /** Signs a checkpoint of everything appended so far; returns the newest one if nothing was added since. */
  issue(reason: CheckpointReason): Promise<IssuedCheckpoint> {
    const run = this.issuing.then(() => this.issueNow(reason));
    this.issuing = run.catch(() => undefined);
    return run;
  }

  private async issueNow(reason: CheckpointReason): Promise<IssuedCheckpoint> {
    try {
      return await this.extendAndSign(reason);
    } catch (error) {
      // Whatever was half done is dropped: the next issue starts again from the newest stored checkpoint.
      [this.rows, this.head, this.filled] = [undefined, undefined, []];
      throw error;
    }
  }

  private async extendAndSign(reason: CheckpointReason): Promise<IssuedCheckpoint> {
    const rows = (this.rows ??= await this.resume());
    const before = rows.size;
    const fed = this.fed.filter((e) => e.globalSeq > rows.size);
    this.fed = [];
    await this.extend(await this.readEvents(rows.size, fed));
    const root = rows.root();
    if (rows.size === before && before > 0) {
      const latest = await latestCheckpoint(this.db);
      if (latest?._id === before) return { size: before, root, note: latest.note };
    }
    const note = signCheckpoint({ origin: this.origin, size: rows.size, root }, this.options.signer);
    const edge = rows.partials();
    await saveTiles(this.db, [...this.filled, ...edge]);
    this.filled = [];
    await saveCheckpoint(this.db, { _id: rows.size, note, issuedAt: new Date(), reason }, edge);
    writeCheckpointFile(this.options.folder, rows.size, note);
    return { size: rows.size, root, note };
  }

  /**
   * The tree as the newest checkpoint left it, from the database or the folder, whichever is newer; the empty tree if
   * none was issued. Its tiles give it back; if they are missing, the events do, and either way it must give the
   * signed root. A log never signs a head inconsistent with one it signed before, so a changed history stops here.
   */
  private async resume(): Promise<TileRows> {
    const verifier = parseVerifierKey(this.vkey);
    const notes = [(await latestCheckpoint(this.db))?.note, ...readCheckpointFiles(this.options.folder).map((c) => c.note)].filter((n) => n !== undefined);
    const heads = notes.map((note) => parseCheckpointText(openNote(note, verifier))).sort((a, b) => b.size - a.size);
    const head = heads[0];
    if (!head) return new TileRows();
    const rows = (await this.fromTiles(head.size)) ?? (await this.rebuild(head.size));
    if (!rows.root().equals(head.root)) {
      throw new CheckpointRefusedError(`the log no longer gives the root of checkpoint ${head.size}: it was changed since (run \`modelship audit verify\`)`);
    }
    const place = await positions(this.db).findOne({ _id: globalKey(head.size) });
    this.head = place?.hash ?? (await auditCollection(this.db).findOne({ globalSeq: head.size }, { projection: { globalHash: 1 } }))?.globalHash;
    return rows;
  }

  /** The right edge of the tree of `size` leaves from its stored partial tiles, or undefined if any is missing. */
  private async fromTiles(size: number): Promise<TileRows | undefined> {
    const edge = await readEdge(this.db, size);
    return edge && TileRows.at(size, edge);
  }

  /** The tree of the first `size` events, from the events themselves; its full tiles are stored with the next checkpoint. */
  private async rebuild(size: number): Promise<TileRows> {
    this.rows = new TileRows();
    await this.extend(await auditCollection(this.db).find({ globalSeq: { $lte: size } }).sort({ globalSeq: 1 }).toArray());
    if (this.rows.size !== size) throw new CheckpointRefusedError(`checkpoint ${size} signs ${size} events, the log holds ${this.rows.size}: events were removed`);
    return this.rows;
  }

  /**
   * Every event after `after`, in order, up to the last one this process fed (or to the head of the log when it fed
   * none): the fed ones as they are, the others (appended by other processes) found by their places, one `_id` read
   * each; or by a scan when a place is missing (its writer stopped before recording it).
   */
  private async readEvents(after: number, fed: StoredAuditEvent[]): Promise<StoredAuditEvent[]> {
    const known = new Map(fed.map((e) => [e.globalSeq, e]));
    const last = Math.max(after, ...known.keys());
    const count = fed.length === 0 ? Infinity : last - after;
    if (known.size === count) return [...known.values()].sort((a, b) => a.globalSeq - b.globalSeq);
    const places = await readNumbered(positions(this.db), globalKey, after, count);
    if (count === Infinity || places.length === count) {
      const events = await Promise.all(places.map((p) => known.get(p.seq!) ?? auditCollection(this.db).findOne({ _id: p.eventId })));
      if (events.every((e) => e !== null)) return events;
    }
    const range = fed.length === 0 ? { $gt: after } : { $gt: after, $lte: last };
    return auditCollection(this.db).find({ globalSeq: range }).sort({ globalSeq: 1 }).toArray();
  }

  private async extend(events: StoredAuditEvent[]): Promise<void> {
    const rows = this.rows!;
    for (const e of events) {
      if (e.globalSeq !== rows.size + 1) throw new CheckpointRefusedError(`event ${e.eventId} has global seq ${e.globalSeq}, expected ${rows.size + 1}: the log has a gap`);
      if (this.head !== undefined && e.globalPrevHash !== this.head) throw new CheckpointRefusedError(`event ${e.eventId} does not link to the event before it`);
      if (eventHash(e) !== e.hash) throw new CheckpointRefusedError(`event ${e.eventId} does not match its hash: it was edited`);
      this.filled.push(...rows.add(leafHash(eventLeaf(e))));
      this.head = e.globalHash;
    }
  }
}
