import type { Db } from 'mongodb';
import type { ProvenIdentity } from '../contracts/identity';
import { auditCollection } from '../audit/indexes';
import { fingerprintOf } from './keys';
import { createPeopleStore } from './people';
import { signatureHolds } from './signed-fields';

export interface SignatureReport {
  /** Events that carry a signature verified when they were recorded. */
  signed: number;
  /** Of those, how many verify again now, from the event alone and the signer's registered key. */
  verified: number;
  firstBad?: { eventId: string; pipelineId: string; reason: string };
}

/** What the signed action must be for each kind of event that records one. */
function actionOf(type: string): string | null {
  if (type === 'pipeline.submitter') return 'start';
  const [kind, action] = type.split('.');
  return kind === 'approval' || kind === 'operator' ? action : null;
}

function whyNot(event: { type: string; pipelineId: string; actor: string }, id: ProvenIdentity, registered: boolean): string | null {
  if (!id.signed || typeof id.value !== 'string' || typeof id.publicKey !== 'string') return 'the recorded signature is incomplete';
  if (fingerprintOf(id.publicKey) !== id.fingerprint) return `the public key does not have the fingerprint ${id.fingerprint}`;
  if (id.signed.pipelineId !== event.pipelineId) return `signed for pipeline ${id.signed.pipelineId}, recorded in ${event.pipelineId}`;
  if (`user:${id.signed.signer}` !== event.actor) return `signed by ${id.signed.signer}, recorded as ${event.actor}`;
  if (actionOf(event.type) !== id.signed.action) return `signed as ${id.signed.action}, recorded as ${event.type}`;
  if (!signatureHolds(id.signed, id.value, id.publicKey)) return 'the Ed25519 signature does not verify';
  if (!registered) return `${id.fingerprint} is not a key ever registered to ${id.signed.signer}`;
  return null;
}

/**
 * Checks every signature the log recorded again: the signed fields match the event they are in, the signature holds
 * for the recorded public key, and that key was registered to the signer (revoked keys included: they were valid when
 * used). Anyone with the log and the people registry can do the same with any Ed25519 library.
 */
export async function verifySignatures(db: Db, pipelineId?: string): Promise<SignatureReport> {
  const people = createPeopleStore(db);
  const cursor = auditCollection(db)
    .find({ ...(pipelineId ? { pipelineId } : {}), 'evidence.identity.verified': true })
    .sort(pipelineId ? { seq: 1 } : { globalSeq: 1 });
  const report: SignatureReport = { signed: 0, verified: 0 };
  for await (const event of cursor) {
    report.signed++;
    const id = (event.evidence as unknown as { identity: ProvenIdentity }).identity;
    const person = id.signed ? await people.get(id.signed.signer) : null;
    const reason = whyNot(event, id, !!person?.keys.some((k) => k.fingerprint === id.fingerprint));
    if (reason) report.firstBad ??= { eventId: event.eventId, pipelineId: event.pipelineId, reason };
    else report.verified++;
  }
  return report;
}
