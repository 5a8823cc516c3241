import { sign, verify } from 'node:crypto';
import type { NoteSigner, NoteVerifier } from './note-keys';
import { strictBase64 } from './strict-base64';

/** Why a note was refused; each names the rule of C2SP signed-note it breaks. */
export class NoteError extends Error {}

const SIGNATURE_LINE = /^\u2014 (\S+) (\S+)$/u;
/** Verifiers must accept at least 16 signatures; more is refused as a cheap way to exhaust a reader. */
const MAX_SIGNATURES = 100;

function checkText(text: string): void {
  if (!text.endsWith('\n')) throw new NoteError('the note text must end with a newline');
  if (/[\u0000-\u0009\u000b-\u001f]/.test(text)) throw new NoteError('the note must not contain control characters other than newline');
}

/** The note: text, a blank line, and one signature line per signer (C2SP signed-note, Ed25519). */
export function signNote(text: string, signer: NoteSigner): string {
  checkText(text);
  const signature = sign(null, Buffer.from(text, 'utf8'), signer.key);
  const id = Buffer.alloc(4);
  id.writeUInt32BE(signer.keyId);
  return `${text}\n\u2014 ${signer.name} ${Buffer.concat([id, signature]).toString('base64')}\n`;
}

/**
 * The text of a note that the verifier signed. Signatures by other keys are ignored, as the spec requires; a
 * signature by this key that does not verify refuses the note, and so does a note this key did not sign.
 */
/** A note's text and its signature lines, split at the last blank line; nothing is verified. */
export function splitNote(note: string): { text: string; signatureLines: string[] } {
  const split = note.lastIndexOf('\n\n');
  if (split < 0) throw new NoteError('the note has no blank line before its signatures');
  return { text: note.slice(0, split + 1), signatureLines: note.slice(split + 2, -1).split('\n') };
}

export function openNote(note: string, verifier: NoteVerifier): string {
  checkText(note);
  const { text, signatureLines: lines } = splitNote(note);
  if (lines.length > MAX_SIGNATURES) throw new NoteError(`the note has more than ${MAX_SIGNATURES} signatures`);
  let signed = false;
  for (const line of lines) {
    const match = SIGNATURE_LINE.exec(line);
    if (!match) throw new NoteError(`malformed signature line "${line}"`);
    const bytes = strictBase64(match[2]!);
    if (!bytes || bytes.length < 5) throw new NoteError(`signature by ${match[1]} is not valid base64 of a key ID and a signature`);
    if (match[1] !== verifier.name || bytes.readUInt32BE(0) !== verifier.keyId) continue;
    if (!verify(null, Buffer.from(text, 'utf8'), verifier.key, bytes.subarray(4))) {
      throw new NoteError(`the signature by ${verifier.name} does not verify: the note was changed or signed by another key`);
    }
    signed = true;
  }
  if (!signed) throw new NoteError(`the note carries no signature by ${verifier.name}+${verifier.keyId.toString(16).padStart(8, '0')}`);
  return text;
}
