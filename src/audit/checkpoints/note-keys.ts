import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { strictBase64 } from './strict-base64';

/** The signature type byte of Ed25519 in C2SP signed-note. */
const ED25519 = 0x01;
// DER prefixes of Ed25519 PKCS#8 (a 32-byte seed follows) and SubjectPublicKeyInfo (32 key bytes follow).
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const PRIVATE_PREFIX = 'PRIVATE+KEY+';

export class NoteKeyError extends Error {}

export interface NoteSigner {
  name: string;
  keyId: number;
  key: KeyObject;
  /** The verifier key of this signer: what a reader needs, and all it needs. */
  vkey: string;
}

export interface NoteVerifier {
  name: string;
  keyId: number;
  key: KeyObject;
  vkey: string;
}

/** Key names are non-empty, without Unicode spaces or plus signs (C2SP signed-note). */
function checkName(name: string): void {
  if (name.length === 0 || /[\s+\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/u.test(name) || /[\u0000-\u001f]/.test(name)) {
    throw new NoteKeyError(`key name "${name}": must be non-empty, without spaces or "+"`);
  }
}

/** SHA-256(name || 0x0A || 0x01 || public key)[:4], big-endian: the key ID C2SP signed-note recommends. */
export function keyIdOf(name: string, publicKey: Buffer): number {
  return createHash('sha256').update(name, 'utf8').update(Buffer.from([0x0a, ED25519])).update(publicKey).digest().readUInt32BE(0);
}

function rawPublic(key: KeyObject): Buffer {
  return (createPublicKey(key).export({ type: 'spki', format: 'der' }) as Buffer).subarray(SPKI_PREFIX.length);
}

function hex8(id: number): string {
  return id.toString(16).padStart(8, '0');
}

function vkeyOf(name: string, publicKey: Buffer): string {
  return `${name}+${hex8(keyIdOf(name, publicKey))}+${Buffer.concat([Buffer.from([ED25519]), publicKey]).toString('base64')}`;
}

/** Splits `name+hex8+base64(0x01 || key)` (base64 may itself hold "+"), checking the ID against the name and the key. */
function splitKey(text: string, what: string): { name: string; keyId: number; material: Buffer } {
  const match = /^([^+]*)\+([^+]*)\+(.*)$/s.exec(text.trim());
  if (!match) throw new NoteKeyError(`${what}: must be <name>+<8 hex digits>+<base64 key>`);
  const [, name, id, data] = match as unknown as [string, string, string, string];
  checkName(name);
  if (!/^[0-9a-f]{8}$/.test(id)) throw new NoteKeyError(`${what}: the key ID must be 8 lowercase hex digits`);
  const bytes = strictBase64(data);
  if (!bytes || bytes.length !== 33 || bytes[0] !== ED25519) throw new NoteKeyError(`${what}: must hold an Ed25519 key (0x01 and 32 bytes, base64)`);
  return { name, keyId: Number.parseInt(id, 16), material: bytes.subarray(1) };
}

export function parseVerifierKey(vkey: string): NoteVerifier {
  const { name, keyId, material } = splitKey(vkey, 'verifier key');
  if (keyIdOf(name, material) !== keyId) throw new NoteKeyError('verifier key: its key ID does not match its name and key');
  const key = createPublicKey({ key: Buffer.concat([SPKI_PREFIX, material]), format: 'der', type: 'spki' });
  return { name, keyId, key, vkey: vkey.trim() };
}

/** Reads a signer key in the form Go's golang.org/x/mod/sumdb/note writes: PRIVATE+KEY+<name>+<id>+<base64(0x01 || seed)>. */
export function parseSignerKey(skey: string): NoteSigner {
  const trimmed = skey.trim();
  if (!trimmed.startsWith(PRIVATE_PREFIX)) throw new NoteKeyError(`signing key: must start with ${PRIVATE_PREFIX}`);
  const { name, keyId, material } = splitKey(trimmed.slice(PRIVATE_PREFIX.length), 'signing key');
  const key = createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, material]), format: 'der', type: 'pkcs8' });
  const publicKey = rawPublic(key);
  if (keyIdOf(name, publicKey) !== keyId) throw new NoteKeyError('signing key: its key ID does not match its name and key');
  return { name, keyId, key, vkey: vkeyOf(name, publicKey) };
}

/** A new Ed25519 key pair for a log named `name`: the signer key (secret) and the verifier key (public). */
export function generateNoteKeys(name: string): { skey: string; vkey: string } {
  checkName(name);
  const { privateKey } = generateKeyPairSync('ed25519');
  const seed = (privateKey.export({ type: 'pkcs8', format: 'der' }) as Buffer).subarray(PKCS8_PREFIX.length);
  const publicKey = rawPublic(privateKey);
  const id = hex8(keyIdOf(name, publicKey));
  return {
    skey: `${PRIVATE_PREFIX}${name}+${id}+${Buffer.concat([Buffer.from([ED25519]), seed]).toString('base64')}`,
    vkey: vkeyOf(name, publicKey),
  };
}
