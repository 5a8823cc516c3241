import { generateNoteKeys, keyIdOf, parseSignerKey, parseVerifierKey, NoteKeyError } from '../../../src/audit/checkpoints/note-keys';
import { NoteError, openNote, signNote } from '../../../src/audit/checkpoints/signed-note';
import { checkpointText, openCheckpoint, parseCheckpointText, signCheckpoint } from '../../../src/audit/checkpoints/checkpoint-text';

/**
 * Published vectors: the signer key and signed note of the documentation and tests of Go's golang.org/x/mod/sumdb/note
 * (Ed25519 is deterministic, so signing must give that exact line), the verifier-key example of C2SP signed-note, and
 * the tree note golden of golang.org/x/mod/sumdb/tlog.
 */
const GO_SKEY = 'PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz';
const GO_VKEY = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const GO_TEXT = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const GO_NOTE = `${GO_TEXT}\n\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n`;
const C2SP_VKEY = 'example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k';
const C2SP_NOTE = 'This is an example message.\n\n\u2014 example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n';

describe('C2SP signed notes, Ed25519', () => {
  it('signs the published Go note byte for byte, and derives its verifier key', () => {
    const signer = parseSignerKey(GO_SKEY);
    expect(signer.vkey).toBe(GO_VKEY);
    expect(signNote(GO_TEXT, signer)).toBe(GO_NOTE);
    expect(openNote(GO_NOTE, parseVerifierKey(GO_VKEY))).toBe(GO_TEXT);
  });

  it('opens the published C2SP example with its verifier key', () => {
    const verifier = parseVerifierKey(C2SP_VKEY);
    expect(verifier.keyId).toBe(0x530d903a);
    expect(openNote(C2SP_NOTE, verifier)).toBe('This is an example message.\n');
  });

  it('computes key IDs as SHA-256(name || 0x0A || 0x01 || key)[:4]', () => {
    const { name, keyId } = parseVerifierKey(GO_VKEY);
    const key = Buffer.from('ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW', 'base64').subarray(1);
    expect(keyIdOf(name, key)).toBe(keyId);
    expect(keyId).toBe(0xc74f20a3);
  });

  it('refuses a changed text, a changed signature, and a note signed by another key of the same name', () => {
    const verifier = parseVerifierKey(GO_VKEY);
    expect(() => openNote(GO_NOTE.replace('cryptography', 'cryptographY'), verifier)).toThrow(/does not verify/);
    expect(() => openNote(GO_NOTE.replace('x08go/', 'x08go+'), verifier)).toThrow(/does not verify/);
    const impostor = parseSignerKey(generateNoteKeys('PeterNeumann').skey);
    expect(() => openNote(signNote(GO_TEXT, impostor), verifier)).toThrow(/no signature by PeterNeumann\+c74f20a3/);
  });

  it('ignores signatures by unknown keys but needs one by the verifier', () => {
    const other = parseSignerKey(generateNoteKeys('witness.example/w1').skey);
    const cosigned = `${GO_NOTE}${signNote(GO_TEXT, other).split('\n\n')[1]}`;
    expect(openNote(cosigned, parseVerifierKey(GO_VKEY))).toBe(GO_TEXT);
    expect(() => openNote(signNote(GO_TEXT, other), parseVerifierKey(GO_VKEY))).toThrow(NoteError);
  });

  it('refuses base64 that decodes to the same bytes from another text', () => {
    // The last character of a 68-byte signature carries 2 unused bits: M and N decode alike.
    const malleated = GO_NOTE.replace('nAM=', 'nAN=');
    expect(Buffer.from('nAM=', 'base64').equals(Buffer.from('nAN=', 'base64'))).toBe(true);
    expect(() => openNote(malleated, parseVerifierKey(GO_VKEY))).toThrow(/not valid base64/);
  });

  it('refuses malformed keys with the rule they break', () => {
    expect(() => parseVerifierKey('PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW')).toThrow(/key ID does not match/);
    expect(() => parseVerifierKey('Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW')).toThrow(NoteKeyError);
    expect(() => parseSignerKey(GO_VKEY)).toThrow(/must start with PRIVATE\+KEY\+/);
    expect(() => parseVerifierKey('PeterNeumann+c74f20a3+AhpC')).toThrow(/Ed25519/);
  });
});

describe('C2SP tlog-checkpoint text', () => {
  it('formats the tree note of Go sumdb exactly', () => {
    const root = Buffer.from('TszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0=', 'base64');
    const text = checkpointText({ origin: 'go.sum database tree', size: 123456789012, root });
    expect(text).toBe('go.sum database tree\n123456789012\nTszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0=\n');
    expect(parseCheckpointText(text)).toEqual({ origin: 'go.sum database tree', size: 123456789012, root });
  });

  it('refuses leading zeros, bad roots and empty extension lines', () => {
    const root = 'TszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0=';
    expect(() => parseCheckpointText(`log\n012\n${root}\n`)).toThrow(/leading zeros/);
    expect(() => parseCheckpointText('log\n12\nAAAA\n')).toThrow(/32 bytes/);
    expect(() => parseCheckpointText(`log\n12\n${root}\n\n`)).toThrow(/extension/);
  });

  it('signs and opens a checkpoint; the origin must be the one the reader expects', () => {
    const { skey, vkey } = generateNoteKeys('audit.example/log');
    const head = { origin: 'audit.example/log', size: 7, root: Buffer.alloc(32, 9) };
    const note = signCheckpoint(head, parseSignerKey(skey));
    expect(openCheckpoint(note, parseVerifierKey(vkey))).toEqual(head);
    const elsewhere = signCheckpoint({ ...head, origin: 'other.example/log' }, parseSignerKey(skey));
    expect(() => openCheckpoint(elsewhere, parseVerifierKey(vkey))).toThrow(/not "audit.example\/log"/);
  });
});
