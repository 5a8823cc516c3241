import { randomBytes, sign, verify, type KeyObject } from 'node:crypto';
import type { Signature, SignedFields } from '../contracts/identity';
import { fingerprintOf, publicKeyObject, publicKeyOf } from './keys';

const DOMAIN = 'modelship-signed-action/v1';

/**
 * The bytes a signature covers: a JSON array in a fixed order behind a domain tag, so no field can run into the next
 * and a signature made for anything else never verifies here.
 */
export function canonicalBytes(f: SignedFields): Buffer {
  return Buffer.from(JSON.stringify([DOMAIN, f.pipelineId, f.model, f.version, f.artifactSha256, f.action, f.comment, f.at, f.nonce, f.signer]), 'utf8');
}

/** What a person signs; the time and the nonce are added as it is signed. */
export type WhatToSign = Omit<SignedFields, 'at' | 'nonce'>;

/** Signs with a fresh nonce and the current time; the envelope travels with the message it signs. */
export function signAction(what: WhatToSign, privateKey: KeyObject, now = new Date()): Signature {
  const fields: SignedFields = { ...what, at: now.toISOString(), nonce: randomBytes(16).toString('hex') };
  return {
    signer: what.signer,
    fingerprint: fingerprintOf(publicKeyOf(privateKey)),
    artifactSha256: what.artifactSha256,
    at: fields.at,
    nonce: fields.nonce,
    value: sign(null, canonicalBytes(fields), privateKey).toString('base64'),
  };
}

/** Whether `value` is an Ed25519 signature of these fields by this public key (base64 raw). */
export function signatureHolds(fields: SignedFields, value: string, publicKey: string): boolean {
  try {
    return verify(null, canonicalBytes(fields), publicKeyObject(publicKey), Buffer.from(value, 'base64'));
  } catch {
    return false;
  }
}
