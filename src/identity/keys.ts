import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';

/** An Ed25519 key pair as people store it: the private key as PKCS#8 PEM, the public key as base64 of its 32 bytes. */
export interface KeyPair {
  privateKeyPem: string;
  publicKey: string;
  fingerprint: string;
}

// The DER prefix of an Ed25519 SubjectPublicKeyInfo; the 32 raw key bytes follow it.
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

export class KeyFormatError extends Error {}

export function generateKeyPair(): KeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const raw = rawPublicKey(publicKey);
  return { privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), publicKey: raw.toString('base64'), fingerprint: fingerprintOf(raw) };
}

function rawPublicKey(key: KeyObject): Buffer {
  return (key.export({ type: 'spki', format: 'der' }) as Buffer).subarray(SPKI_PREFIX.length);
}

/** SHA256:<base64 of the key's sha256, unpadded>, as ssh-keygen prints fingerprints. */
export function fingerprintOf(publicKey: string | Buffer): string {
  const raw = typeof publicKey === 'string' ? Buffer.from(publicKey, 'base64') : publicKey;
  return `SHA256:${createHash('sha256').update(raw).digest('base64').replace(/=+$/, '')}`;
}

/**
 * Reads a public key as people paste it: base64 of the 32 raw bytes, or a PEM block; returns the base64 form.
 * Anything else, or a key of another algorithm, is refused.
 */
export function parsePublicKey(text: string): string {
  const trimmed = text.trim();
  if (trimmed.startsWith('-----BEGIN')) return rawPublicKey(readEd25519(() => createPublicKey(trimmed), 'public')).toString('base64');
  if (!/^[A-Za-z0-9+/]{43}=$/.test(trimmed)) throw new KeyFormatError('must be an Ed25519 public key: base64 of 32 bytes, or a PEM block');
  return trimmed;
}

/** A KeyObject for Ed25519 verification from the base64 raw form. */
export function publicKeyObject(publicKey: string): KeyObject {
  return createPublicKey({ key: Buffer.concat([SPKI_PREFIX, Buffer.from(publicKey, 'base64')]), format: 'der', type: 'spki' });
}

export function readPrivateKey(pem: string): KeyObject {
  return readEd25519(() => createPrivateKey(pem), 'private');
}

/** A PEM key read by `read`, refused when unreadable or of another algorithm. */
function readEd25519(read: () => KeyObject, kind: 'public' | 'private'): KeyObject {
  let key: KeyObject;
  try {
    key = read();
  } catch {
    throw new KeyFormatError(`is not a readable PEM ${kind} key`);
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new KeyFormatError(`is a ${key.asymmetricKeyType} key; modelship keys are Ed25519`);
  return key;
}

/** The public half of a private key, base64 raw. */
export function publicKeyOf(privateKey: KeyObject): string {
  return rawPublicKey(createPublicKey(privateKey)).toString('base64');
}
