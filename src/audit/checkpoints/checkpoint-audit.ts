import type { Db } from 'mongodb';
import { eventLeaf } from '../hash';
import { CompactTree } from '../merkle/compact-tree';
import { TILE_WIDTH, tileId } from '../merkle/tiles';
import { leafHash } from '../merkle/tree-hash';
import type { StoredAuditEvent } from '../schemas';
import { openCheckpoint, type TreeHead } from './checkpoint-text';
import type { FoundCheckpoint } from './checkpoint-store';
import type { NoteVerifier } from './note-keys';
import { readTiles } from './tile-store';

export type CheckpointBreak = 'checkpoint_invalid' | 'checkpoint_fork' | 'checkpoint_mismatch' | 'truncated';

export interface CheckpointFinding {
  reason: CheckpointBreak;
  detail: string;
  /** The first event that differs from what a checkpoint signed, when it can be told. */
  event?: EventPlace;
  /** Where the damage starts when no event can be named: the first global seq that is not as signed, or may not be. */
  globalSeq?: number;
  /** When the damage can only be bounded: the last global seq it may be at (`globalSeq` is the first). */
  throughGlobalSeq?: number;
}

export interface CheckpointSummary {
  /** Checkpoints whose signature verified and whose root the log still gives. */
  verified: number;
  newest: number | null;
  /** Events after the newest checkpoint: covered by the hash chains only, until the next one. */
  uncovered: number;
}

type EventPlace = Pick<StoredAuditEvent, 'eventId' | 'seq' | 'globalSeq' | 'pipelineId'>;

interface Opened extends TreeHead {
  source: string;
}

/**
 * Holds the log, as it is walked in global order, to the checkpoints a reader has: every signature must verify with
 * the verifier key alone; two signed heads of one size must agree (else the log forked); and the tree recomputed
 * from the events must give each signed root, which also makes all of them consistent with each other.
 */
export class CheckpointAudit {
  private readonly tree = new CompactTree();
  private readonly leaves: Buffer[] = [];
  private readonly events: EventPlace[] = [];
  private readonly bySize: Map<number, Opened>;
  private verified = 0;

  private constructor(
    private readonly db: Db,
    heads: Opened[],
  ) {
    // The first found of each size is named in findings: the database's before the folder's before a reader's.
    this.bySize = new Map();
    for (const h of heads) if (!this.bySize.has(h.size)) this.bySize.set(h.size, h);
  }

  /** Opens every checkpoint; the first one that does not verify, or two that disagree, is the finding. */
  static open(db: Db, found: FoundCheckpoint[], verifier: NoteVerifier): CheckpointAudit | CheckpointFinding {
    const heads: Opened[] = [];
    for (const c of found) {
      try {
        heads.push({ ...openCheckpoint(c.note, verifier), source: c.source });
      } catch (error) {
        return { reason: 'checkpoint_invalid', detail: `${c.source}: ${(error as Error).message}` };
      }
    }
    heads.sort((a, b) => a.size - b.size);
    const first = new Map<number, Opened>();
    for (const h of heads) {
      const seen = first.get(h.size);
      if (!seen) first.set(h.size, h);
      else if (!seen.root.equals(h.root)) {
        return { reason: 'checkpoint_fork', detail: `${seen.source} and ${h.source} both sign a log of ${h.size} events with different roots: the log was forked or rewritten` };
      }
    }
    const audit = new CheckpointAudit(db, heads);
    const empty = audit.bySize.get(0);
    if (empty && !empty.root.equals(audit.tree.root())) return { reason: 'checkpoint_invalid', detail: `${empty.source}: an empty log has another root` };
    if (empty) audit.verified++;
    return audit;
  }

  /** Adds the next event of the global order; a finding if a checkpoint ends here and its root differs. */
  async add(event: StoredAuditEvent): Promise<CheckpointFinding | undefined> {
    const leaf = leafHash(eventLeaf(event));
    this.tree.add(leaf);
    this.leaves.push(leaf);
    this.events.push({ eventId: event.eventId, seq: event.seq, globalSeq: event.globalSeq, pipelineId: event.pipelineId });
    const head = this.bySize.get(this.tree.size);
    if (!head) return undefined;
    if (head.root.equals(this.tree.root())) {
      this.verified++;
      return undefined;
    }
    return this.mismatch(head);
  }

  /** After the last event: a checkpoint of a longer log means events were cut off its end. */
  finish(): CheckpointFinding | CheckpointSummary {
    const sizes = [...this.bySize.keys()].sort((a, b) => a - b);
    const longest = sizes[sizes.length - 1];
    if (longest !== undefined && longest > this.tree.size) {
      const head = this.bySize.get(longest)!;
      return { reason: 'truncated', globalSeq: this.tree.size + 1, detail: `${head.source} signs a log of ${longest} events, the database holds ${this.tree.size}: events were removed from its end` };
    }
    return { verified: this.verified, newest: longest ?? null, uncovered: this.tree.size - (longest ?? 0) };
  }

  /**
   * Names the first event that is not the one the checkpoint signed, from the leaf hashes stored in its tiles; when
   * those were rewritten too, names the span between the last checkpoint that held and this one.
   */
  private async mismatch(head: Opened): Promise<CheckpointFinding> {
    const ids = Array.from({ length: Math.ceil(head.size / TILE_WIDTH) }, (_, k) => tileId(0, k, Math.min(TILE_WIDTH, head.size - k * TILE_WIDTH)));
    const tiles = await readTiles(this.db, ids);
    const signedLeaves = ids.flatMap((id) => tiles.get(id) ?? []);
    const verifiedBefore = Math.max(0, ...[...this.bySize.keys()].filter((s) => s < head.size));
    if (signedLeaves.length === head.size) {
      const first = this.leaves.findIndex((leaf, i) => i < head.size && !leaf.equals(signedLeaves[i]!));
      if (first >= 0) {
        return { reason: 'checkpoint_mismatch', event: this.events[first]!, detail: `differs from the event ${head.source} signed at global seq ${first + 1}: the log was rewritten after the checkpoint` };
      }
    }
    return {
      reason: 'checkpoint_mismatch',
      globalSeq: verifiedBefore + 1,
      throughGlobalSeq: head.size,
      detail: `the log's root at ${head.size} events differs from ${head.source}: an event with global seq in ${verifiedBefore + 1}..${head.size} was changed`,
    };
  }
}
