import { z } from 'zod';
import type { Db } from 'mongodb';
import { DEFAULT_LOCAL_HMAC_KEY, eventHash, eventMac, globalHash } from './hash';
import { GENESIS, type Head } from './heads';
import { auditCollection } from './indexes';
import { describeIssues, formatIssues } from '../validation/issues';
import { InputError } from '../validation/input-error';
import { CheckpointAudit, type CheckpointBreak, type CheckpointFinding, type CheckpointSummary } from './checkpoints/checkpoint-audit';
import type { FoundCheckpoint } from './checkpoints/checkpoint-store';
import type { NoteVerifier } from './checkpoints/note-keys';
import { auditAnchorSchema, storedAuditEventSchema, type AuditAnchor, type StoredAuditEvent } from './schemas';

export type BreakReason =
  | 'malformed'
  | 'global_seq_gap'
  | 'global_link_broken'
  | 'seq_gap'
  | 'chain_link_broken'
  | 'hash_mismatch'
  | 'global_hash_mismatch'
  | 'mac_mismatch'
  | 'anchor_mismatch'
  | CheckpointBreak;

export interface BrokenLink {
  eventId: string;
  /** Position in its pipeline chain (null if the document is too damaged to say). */
  seq: number | null;
  globalSeq: number | null;
  /** Set when a checkpoint bounds the damage but cannot name the event: it is one of `globalSeq`..`throughGlobalSeq`. */
  throughGlobalSeq?: number;
  pipelineId: string | null;
  reason: BreakReason;
  detail: string;
}

export interface VerifyReport {
  ok: boolean;
  /**
   * Events verified before the first break (all of them when ok). A checkpoint is checked where it ends, after the
   * events it covers: when it finds an earlier event changed, the count stops before that event, not where the walk was.
   */
  checked: number;
  firstBroken?: BrokenLink;
  /** Last verified point of the global chain (whole-log verification only): record it outside to detect truncation. */
  head?: AuditAnchor;
  /** What the signed checkpoints vouch for (whole-log verification with checkpoints only). */
  checkpoints?: CheckpointSummary;
}

export interface VerifyOptions {
  /** Verify only this pipeline's chain; otherwise the whole log in global order, every pipeline chain included. */
  pipelineId?: string;
  /** Key the MACs were made with; defaults to the local development key. */
  hmacKey?: string | Buffer;
  /** A global-chain point recorded earlier outside the database; it must still be there with the same hash. */
  anchor?: AuditAnchor;
  /**
   * Signed checkpoints to hold the whole log to (from the database, the checkpoint folder, or readers' copies), and
   * the verifier key they must carry a signature of. Ignored for one pipeline's chain.
   */
  checkpoints?: { found: FoundCheckpoint[]; verifier: NoteVerifier };
}

const optionsSchema = z.object({ pipelineId: z.string().min(1).optional(), anchor: auditAnchorSchema.optional() });

function broken(e: Partial<StoredAuditEvent> & { _id: unknown }, reason: BreakReason, detail: string): BrokenLink {
  return {
    eventId: typeof e.eventId === 'string' ? e.eventId : String(e._id),
    seq: typeof e.seq === 'number' ? e.seq : null,
    globalSeq: typeof e.globalSeq === 'number' ? e.globalSeq : null,
    pipelineId: typeof e.pipelineId === 'string' ? e.pipelineId : null,
    reason,
    detail,
  };
}

/**
 * Checks, in order, each event's place in the global chain (whole-log mode), its place in its pipeline chain, its
 * content hash, its global hash and its MAC. What each catches:
 * - an edited event: hash_mismatch (or mac_mismatch if the editor recomputed the hashes);
 * - a deleted event: global_seq_gap in whole-log mode, seq_gap in pipeline mode;
 * - a reordered pair: chain_link_broken / global_link_broken, since each event names its predecessor's hash;
 * - an inserted event with recomputed hashes: mac_mismatch without the key; in whole-log mode also a broken link
 *   or gap in the global chain unless the forger rewrote every later event of the whole log.
 * Truncating the newest events leaves a valid, shorter log: pass an `anchor` recorded outside to catch that.
 */
export async function verifyAudit(db: Db, options: VerifyOptions = {}): Promise<VerifyReport> {
  const parsed = optionsSchema.safeParse({ pipelineId: options.pipelineId, anchor: options.anchor });
  if (!parsed.success) throw new InputError('verifyAudit', describeIssues(parsed.error));
  const { pipelineId, anchor } = parsed.data;
  const key = options.hmacKey ?? DEFAULT_LOCAL_HMAC_KEY;
  const events = auditCollection(db);
  const cursor = pipelineId === undefined ? events.find({}).sort({ globalSeq: 1 }) : events.find({ pipelineId }).sort({ seq: 1 });

  const chains = new Map<string, Head>();
  let global = GENESIS;
  let checked = 0;
  let anchorSeen = false;
  let audit: CheckpointAudit | undefined;
  if (options.checkpoints && pipelineId === undefined) {
    const opened = CheckpointAudit.open(db, options.checkpoints.found, options.checkpoints.verifier);
    if (!(opened instanceof CheckpointAudit)) return { ok: false, checked: 0, firstBroken: fromFinding(opened) };
    audit = opened;
  }
  for await (const raw of cursor) {
    const result = storedAuditEventSchema.safeParse(raw);
    if (!result.success || result.data._id !== result.data.eventId) {
      const why = result.success ? '_id differs from eventId' : formatIssues(describeIssues(result.error));
      return { ok: false, checked, firstBroken: broken(raw, 'malformed', why) };
    }
    const e = result.data;
    const chain = chains.get(e.pipelineId) ?? GENESIS;
    const failure = check(e, chain, pipelineId === undefined ? global : undefined, key);
    if (failure) return { ok: false, checked, firstBroken: broken(e, failure[0], failure[1]) };
    if (anchor && e.globalSeq === anchor.globalSeq) {
      if (e.globalHash !== anchor.globalHash) {
        return { ok: false, checked, firstBroken: broken(e, 'anchor_mismatch', `global hash differs from the anchor ${anchor.globalHash}`) };
      }
      anchorSeen = true;
    }
    const finding = await audit?.add(e);
    if (finding) return { ok: false, checked: verifiedBefore(finding, checked), firstBroken: fromFinding(finding) };
    chains.set(e.pipelineId, { seq: e.seq, hash: e.hash });
    global = { seq: e.globalSeq, hash: e.globalHash };
    checked++;
  }
  if (anchor && !anchorSeen && pipelineId === undefined) {
    const detail = `anchor globalSeq ${anchor.globalSeq} is missing: the log ends at ${global.seq} (truncated?)`;
    return { ok: false, checked, firstBroken: { eventId: '', seq: null, globalSeq: anchor.globalSeq, pipelineId: null, reason: 'anchor_mismatch', detail } };
  }
  const summary = audit?.finish();
  if (summary && 'reason' in summary) return { ok: false, checked: verifiedBefore(summary, checked), firstBroken: fromFinding(summary) };
  return {
    ok: true,
    checked,
    ...(pipelineId === undefined && global.seq > 0 ? { head: { globalSeq: global.seq, globalHash: global.hash } } : {}),
    ...(summary ? { checkpoints: summary } : {}),
  };
}

/** The whole log is walked from global seq 1 without gaps, so the events before a global seq are one fewer than it. */
function verifiedBefore(f: CheckpointFinding, walked: number): number {
  const first = f.event?.globalSeq ?? f.globalSeq;
  return first === undefined ? walked : Math.min(walked, first - 1);
}

function fromFinding(f: CheckpointFinding): BrokenLink {
  const e = f.event;
  const link: BrokenLink = { eventId: e?.eventId ?? '', seq: e?.seq ?? null, globalSeq: e?.globalSeq ?? f.globalSeq ?? null, pipelineId: e?.pipelineId ?? null, reason: f.reason, detail: f.detail };
  return f.throughGlobalSeq === undefined ? link : { ...link, throughGlobalSeq: f.throughGlobalSeq };
}

function check(e: StoredAuditEvent, chain: Head, global: Head | undefined, key: string | Buffer): [BreakReason, string] | undefined {
  if (global && e.globalSeq !== global.seq + 1) {
    return ['global_seq_gap', `expected globalSeq ${global.seq + 1}, found ${e.globalSeq}: an event was deleted or inserted`];
  }
  if (global && e.globalPrevHash !== global.hash) return ['global_link_broken', 'globalPrevHash is not the hash of the previous event in the global chain'];
  if (e.seq !== chain.seq + 1) return ['seq_gap', `expected seq ${chain.seq + 1} in pipeline ${e.pipelineId}, found ${e.seq}: an event was deleted or inserted`];
  if (e.prevHash !== chain.hash) return ['chain_link_broken', 'prevHash is not the hash of the previous event of this pipeline: reordered or replaced'];
  if (eventHash(e) !== e.hash) return ['hash_mismatch', 'content does not match its hash: the event was edited'];
  if (globalHash(e.globalSeq, e.globalPrevHash, e.hash) !== e.globalHash) return ['global_hash_mismatch', 'globalHash does not match its inputs'];
  if (eventMac(key, e.globalHash) !== e.mac) return ['mac_mismatch', 'MAC does not verify with the key: forged, or hashes recomputed without the key'];
  return undefined;
}
