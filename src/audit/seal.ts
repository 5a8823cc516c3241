import { eventHash, eventMac, globalHash } from './hash';
import type { Head } from './heads';
import { AUDIT_FORMAT, type ParsedAuditEvent, type StoredAuditEvent } from './schemas';

/** An event as stored: linked after the heads of its pipeline's chain and of the global chain, and MACed. */
export function sealEvent(event: ParsedAuditEvent & { at: Date }, chain: Head, global: Head, key: string | Buffer): StoredAuditEvent {
  const content = { ...event, seq: chain.seq + 1, prevHash: chain.hash };
  const hash = eventHash(content);
  const gHash = globalHash(global.seq + 1, global.hash, hash);
  return {
    _id: event.eventId,
    v: AUDIT_FORMAT,
    ...content,
    hash,
    globalSeq: global.seq + 1,
    globalPrevHash: global.hash,
    globalHash: gHash,
    mac: eventMac(key, gHash),
  };
}
