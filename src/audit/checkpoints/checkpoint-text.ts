import { HASH_BYTES } from '../merkle/tree-hash';
import type { NoteSigner, NoteVerifier } from './note-keys';
import { NoteError, openNote, signNote } from './signed-note';
import { strictBase64 } from './strict-base64';

/** A tree head: the size of the log and the RFC 9162 root of its first `size` events. */
export interface TreeHead {
  origin: string;
  size: number;
  root: Buffer;
}

/** C2SP tlog-checkpoint note text: origin, size, base64 root, each on its own line. No extension lines. */
export function checkpointText(head: TreeHead): string {
  if (!Number.isSafeInteger(head.size) || head.size < 0) throw new RangeError(`tree size ${head.size} is not a whole number`);
  if (head.root.length !== HASH_BYTES) throw new RangeError('a root hash has 32 bytes');
  if (head.origin.length === 0 || head.origin.includes('\n')) throw new RangeError('the origin must be one non-empty line');
  return `${head.origin}\n${head.size}\n${head.root.toString('base64')}\n`;
}

export function parseCheckpointText(text: string): TreeHead {
  const lines = text.split('\n');
  if (lines.length < 4 || lines[lines.length - 1] !== '') throw new NoteError('a checkpoint has at least three lines, each ending in a newline');
  const [origin, size, root] = lines as [string, string, string];
  if (origin === '') throw new NoteError('the checkpoint origin line is empty');
  if (!/^(0|[1-9][0-9]*)$/.test(size) || !Number.isSafeInteger(Number(size))) throw new NoteError(`tree size "${size}" is not a decimal number without leading zeros`);
  const hash = strictBase64(root);
  if (!hash || hash.length !== HASH_BYTES) throw new NoteError('the root hash line is not base64 of 32 bytes');
  if (lines.slice(3, -1).some((l) => l === '')) throw new NoteError('checkpoint extension lines must not be empty');
  return { origin, size: Number(size), root: hash };
}

export function signCheckpoint(head: TreeHead, signer: NoteSigner): string {
  return signNote(checkpointText(head), signer);
}

/** The head a checkpoint note states, once the verifier's signature on it holds and its origin is the expected one. */
export function openCheckpoint(note: string, verifier: NoteVerifier, origin = verifier.name): TreeHead {
  const head = parseCheckpointText(openNote(note, verifier));
  if (head.origin !== origin) throw new NoteError(`the checkpoint is for the log "${head.origin}", not "${origin}"`);
  return head;
}
