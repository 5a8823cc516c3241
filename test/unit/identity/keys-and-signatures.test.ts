import { createPrivateKey, sign } from 'node:crypto';
import { fingerprintOf, parsePublicKey, publicKeyOf, readPrivateKey } from '../../../src/identity/keys';
import { canonicalBytes, signAction, signatureHolds } from '../../../src/identity/signed-fields';

// RFC 8032, section 7.1, test 1: the secret key, its public key, and the signature of the empty message.
const SECRET = Buffer.from('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60', 'hex');
const PUBLIC_HEX = 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a';
const EMPTY_SIGNATURE = 'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b';
const rfcKey = createPrivateKey({ key: { kty: 'OKP', crv: 'Ed25519', d: SECRET.toString('base64url'), x: Buffer.from(PUBLIC_HEX, 'hex').toString('base64url') }, format: 'jwk' });

describe('Ed25519 keys and signed fields', () => {
  it('derives the RFC 8032 public key and signature, and the fingerprint sha256 gives for it', () => {
    const pem = rfcKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const key = readPrivateKey(pem);
    expect(Buffer.from(publicKeyOf(key), 'base64').toString('hex')).toBe(PUBLIC_HEX);
    expect(sign(null, Buffer.alloc(0), key).toString('hex')).toBe(EMPTY_SIGNATURE);
    // sha256 of the 32 key bytes, base64 without padding, computed apart from this code.
    expect(fingerprintOf(publicKeyOf(key))).toBe('SHA256:If4x36FUomFia/hUBG/SJxt77UtqvkWqWId+9H+XIbk');
  });

  it('reads a public key as base64 or PEM and refuses anything else, saying what it expects', () => {
    const base64 = '11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=';
    const pem = `-----BEGIN PUBLIC KEY-----\n${Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), Buffer.from(PUBLIC_HEX, 'hex')]).toString('base64')}\n-----END PUBLIC KEY-----\n`;
    expect(parsePublicKey(base64)).toBe(base64);
    expect(parsePublicKey(pem)).toBe(base64);
    expect(() => parsePublicKey('ssh-ed25519 AAAA')).toThrow('must be an Ed25519 public key: base64 of 32 bytes, or a PEM block');
    expect(() => parsePublicKey('-----BEGIN PUBLIC KEY-----\nnope\n-----END PUBLIC KEY-----')).toThrow('is not a readable PEM public key');
  });

  it('serialises the signed fields in one fixed order behind a domain tag', () => {
    const fields = { pipelineId: 'deploy-recs-1.0.0', model: 'recs', version: '1.0.0', artifactSha256: 'a'.repeat(64), action: 'approve' as const, comment: 'ok "quoted"\nnext', at: '2026-01-31T12:00:00.000Z', nonce: '0'.repeat(32), signer: 'bob' };
    expect(canonicalBytes(fields).toString('utf8')).toBe(
      `["modelship-signed-action/v1","deploy-recs-1.0.0","recs","1.0.0","${'a'.repeat(64)}","approve","ok \\"quoted\\"\\nnext","2026-01-31T12:00:00.000Z","${'0'.repeat(32)}","bob"]`,
    );
  });

  it('signs what it is given and nothing else: any changed field breaks the signature', () => {
    const what = { pipelineId: 'deploy-recs-1.0.0', model: 'recs', version: '1.0.0', artifactSha256: 'a'.repeat(64), action: 'approve' as const, comment: 'ok', signer: 'bob' };
    const s = signAction(what, rfcKey, new Date('2026-01-31T12:00:00Z'));
    expect(s).toMatchObject({ signer: 'bob', fingerprint: 'SHA256:If4x36FUomFia/hUBG/SJxt77UtqvkWqWId+9H+XIbk', at: '2026-01-31T12:00:00.000Z' });
    expect(s.nonce).toMatch(/^[0-9a-f]{32}$/);
    const fields = { ...what, at: s.at, nonce: s.nonce };
    const publicKey = publicKeyOf(rfcKey);
    expect(signatureHolds(fields, s.value, publicKey)).toBe(true);
    for (const change of [{ comment: 'ok!' }, { action: 'reject' as const }, { version: '1.0.1' }, { pipelineId: 'deploy-recs-1.0.1' }, { signer: 'bobby' }, { nonce: '1'.repeat(32) }]) {
      expect(signatureHolds({ ...fields, ...change }, s.value, publicKey)).toBe(false);
    }
    expect(signatureHolds(fields, 'not a signature', publicKey)).toBe(false);
  });
});
