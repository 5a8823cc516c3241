import { createHash, createHmac } from 'node:crypto';
import { canonicalJson, type JsonObject } from './json';
import { AUDIT_FORMAT, type AuditSubject, type AuditOutcome } from './schemas';

/**
 * Used when no key is configured, so local runs and tests work out of the box. It is public, so it protects nothing:
 * production must pass a secret (proposed env var AUDIT_HMAC_KEY, at least 32 random bytes).
 */
export const DEFAULT_LOCAL_HMAC_KEY = 'modelship-local-audit-hmac-key-not-secret';

/** prevHash of the first event of every chain. */
export const GENESIS_HASH = '0'.repeat(64);

export interface HashedContent {
  eventId: string;
  type: string;
  at: Date;
  actor: string;
  subject: AuditSubject;
  pipelineId: string;
  outcome: AuditOutcome;
  evidence: JsonObject;
  source: string;
  seq: number;
  prevHash: string;
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** The hashed form of an event: what its hash and its leaf in the Merkle tree are computed over. */
export function hashedContent(e: HashedContent): JsonObject {
  const subject: JsonObject = e.subject.version === undefined ? { model: e.subject.model } : { model: e.subject.model, version: e.subject.version };
  return {
    v: AUDIT_FORMAT,
    eventId: e.eventId,
    type: e.type,
    at: e.at.toISOString(),
    actor: e.actor,
    subject,
    pipelineId: e.pipelineId,
    outcome: e.outcome,
    evidence: e.evidence,
    source: e.source,
    seq: e.seq,
    prevHash: e.prevHash,
  };
}

/** Hash of an event's content and its link to the previous event of its pipeline chain. */
export function eventHash(e: HashedContent): string {
  return sha256(canonicalJson(hashedContent(e)));
}

/** The event's leaf in the Merkle tree: the canonical JSON of its hashed content, UTF-8. */
export function eventLeaf(e: HashedContent): Buffer {
  return Buffer.from(canonicalJson(hashedContent(e)), 'utf8');
}

/** Links an event hash into the global chain. */
export function globalHash(globalSeq: number, globalPrevHash: string, hash: string): string {
  return sha256(canonicalJson({ globalSeq, globalPrevHash, hash }));
}

/** Keyed MAC over the global hash, which covers the event content and both links: without the key none can be forged. */
export function eventMac(key: string | Buffer, globalHashHex: string): string {
  return createHmac('sha256', key).update(globalHashHex, 'utf8').digest('hex');
}
