import { ROLE_OF, type IdentityRequest, type IdentityVerdict, type ProvenIdentity, type SignedFields } from '../contracts/identity';
import { holdsRole, type PeopleStore } from './people';
import type { SignatureUses } from './signature-uses';
import { signatureHolds } from './signed-fields';

/** A signature older than this is stale: it cannot be kept and sent again later. */
export const MAX_SIGNATURE_AGE_MS = 10 * 60_000;
/** Clocks differ; a signature this far in the future is still taken as now. */
export const MAX_CLOCK_SKEW_MS = 2 * 60_000;

export interface IdentityDeps {
  people: Pick<PeopleStore, 'get'>;
  uses: SignatureUses;
  /** The registered artifact's sha256, or null when the version is not registered. */
  artifactOf(model: string, version: string): Promise<string | null>;
  now(): Date;
}

const short = (sha: string) => sha.slice(0, 12);

/**
 * Whether a signed message proves who sent it, and that they may: the signer is the person named, the key is one of
 * theirs and not revoked, the signature covers this pipeline, artifact, action and comment, it is fresh, its nonce was
 * never spent on anything else, and the signer holds the action's role for the model. The nonce is spent only by a
 * signature that passes; a check retried for the same use returns the verdict it had.
 */
export async function verifyIdentity(deps: IdentityDeps, req: IdentityRequest): Promise<IdentityVerdict> {
  const sig = req.signature;
  const refuse = (reason: string): IdentityVerdict => ({ verified: false, reason });
  const earlier = await deps.uses.find(sig.nonce);
  if (earlier) return earlier.useKey === req.useKey ? earlier.identity : refuse(`replayed: this signature (nonce ${sig.nonce}) was already used, by ${earlier.signer} at ${earlier.at.toISOString()}`);

  if (sig.signer !== req.claimed) return refuse(`signed by ${sig.signer}, but the ${req.action} names ${req.claimed || 'nobody'}`);
  const person = await deps.people.get(sig.signer);
  if (!person) return refuse(`${sig.signer} is not a registered person: an admin adds them with modelship people add`);
  const key = person.keys.find((k) => k.fingerprint === sig.fingerprint);
  if (!key) return refuse(`key ${sig.fingerprint} is not a registered key of ${sig.signer}`);
  if (key.revokedAt) return refuse(`key ${sig.fingerprint} of ${sig.signer} was revoked at ${key.revokedAt.toISOString()}`);

  const signed: SignedFields = {
    pipelineId: req.pipelineId,
    model: req.model,
    version: req.version,
    artifactSha256: sig.artifactSha256,
    action: req.action,
    comment: req.comment,
    at: sig.at,
    nonce: sig.nonce,
    signer: sig.signer,
  };
  if (!signatureHolds(signed, sig.value, key.publicKey)) {
    return refuse(`the signature does not match: it was not made by key ${sig.fingerprint} for this ${req.action} of ${req.pipelineId} with this comment`);
  }
  const registered = await deps.artifactOf(req.model, req.version);
  if (registered === null) return refuse(`${req.model}@${req.version} is not registered`);
  if (registered !== sig.artifactSha256) return refuse(`signed for artifact ${short(sig.artifactSha256)}, but ${req.model}@${req.version} is ${short(registered)}`);

  const now = deps.now();
  const age = now.getTime() - Date.parse(sig.at);
  if (age > MAX_SIGNATURE_AGE_MS) return refuse(`stale: signed at ${sig.at}, more than ${MAX_SIGNATURE_AGE_MS / 60_000} minutes before it arrived`);
  if (age < -MAX_CLOCK_SKEW_MS) return refuse(`signed at ${sig.at}, in the future: check the signer's clock`);

  const role = ROLE_OF[req.action];
  if (!holdsRole(person, role, req.model)) return refuse(`${sig.signer} does not hold the ${role} role for model ${req.model}`);

  const identity: ProvenIdentity = { verified: true, signer: sig.signer, fingerprint: sig.fingerprint, publicKey: key.publicKey, signed, value: sig.value };
  const use = await deps.uses.claim({ _id: sig.nonce, useKey: req.useKey, signer: sig.signer, at: now, identity });
  return use.useKey === req.useKey ? use.identity : refuse(`replayed: this signature (nonce ${sig.nonce}) was already used, by ${use.signer} at ${use.at.toISOString()}`);
}
