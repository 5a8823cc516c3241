import type { IdentityRequest, Role, SignedAction } from '../../../src/contracts/identity';
import { MAX_SIGNATURE_AGE_MS, verifyIdentity } from '../../../src/identity/verify-identity';
import { generateKeyPair, readPrivateKey } from '../../../src/identity/keys';
import type { PersonDoc } from '../../../src/identity/people';
import type { SignatureUse } from '../../../src/identity/signature-uses';
import { signAction } from '../../../src/identity/signed-fields';

const SHA = 'c'.repeat(64);
const NOW = new Date('2026-06-01T12:00:00Z');

function world() {
  const people = new Map<string, PersonDoc>();
  const uses = new Map<string, SignatureUse>();
  let now = NOW;
  const deps = {
    people: { get: async (n: string) => people.get(n) ?? null },
    uses: {
      find: async (n: string) => uses.get(n) ?? null,
      claim: async (u: SignatureUse) => uses.get(u._id) ?? (uses.set(u._id, u), u),
    },
    artifactOf: async (model: string, version: string) => (model === 'recs' && version === '1.0.0' ? SHA : null),
    now: () => now,
  };
  const enrol = (name: string, roles: Role[], model = 'recs') => {
    const pair = generateKeyPair();
    people.set(name, { _id: name, keys: [{ publicKey: pair.publicKey, fingerprint: pair.fingerprint, addedAt: NOW, revokedAt: null }], roles: roles.map((role) => ({ role, model })), addedBy: 'root', addedAt: NOW });
    return readPrivateKey(pair.privateKeyPem);
  };
  const request = (name: string, key: ReturnType<typeof enrol>, over: Partial<IdentityRequest> & { action?: SignedAction; signedAt?: Date; artifact?: string } = {}): IdentityRequest => {
    const action = over.action ?? 'approve';
    const signature = signAction({ pipelineId: 'deploy-recs-1.0.0', model: 'recs', version: '1.0.0', artifactSha256: over.artifact ?? SHA, action, comment: 'ok', signer: name }, key, over.signedAt ?? NOW);
    return { pipelineId: 'deploy-recs-1.0.0', model: 'recs', version: '1.0.0', action, comment: 'ok', claimed: name, signature, useKey: 'use-1', ...over };
  };
  return { deps, people, uses, enrol, request, setNow: (d: Date) => (now = d) };
}

describe('verifyIdentity', () => {
  it('proves a registered approver and spends the nonce; the same use checked again gets the same verdict, even later', async () => {
    const w = world();
    const bob = w.enrol('bob', ['approver']);
    const req = w.request('bob', bob);
    const first = await verifyIdentity(w.deps, req);
    expect(first).toMatchObject({ verified: true, signer: 'bob', signed: { action: 'approve', artifactSha256: SHA, comment: 'ok' } });
    expect(w.uses.get(req.signature.nonce)?.useKey).toBe('use-1');
    w.setNow(new Date(NOW.getTime() + 2 * MAX_SIGNATURE_AGE_MS));
    expect(await verifyIdentity(w.deps, req)).toEqual(first);
  });

  it('refuses, each with its reason, and spends no nonce doing so', async () => {
    const w = world();
    const bob = w.enrol('bob', ['approver']);
    const carol = w.enrol('carol', ['operator']);
    const eve = readPrivateKey(generateKeyPair().privateKeyPem);
    const cases: [IdentityRequest, string][] = [
      [{ ...w.request('bob', bob), claimed: 'dan' }, 'signed by bob, but the approve names dan'],
      [w.request('mallory', eve), 'mallory is not a registered person: an admin adds them with modelship people add'],
      [w.request('bob', eve), 'is not a registered key of bob'],
      [{ ...w.request('bob', bob), comment: 'ok, changed' }, 'the signature does not match'],
      [{ ...w.request('bob', bob), action: 'reject' }, 'the signature does not match'],
      [w.request('bob', bob, { artifact: 'd'.repeat(64) }), `signed for artifact dddddddddddd, but recs@1.0.0 is cccccccccccc`],
      [w.request('bob', bob, { signedAt: new Date(NOW.getTime() - MAX_SIGNATURE_AGE_MS - 1000) }), 'stale: signed at'],
      [w.request('bob', bob, { signedAt: new Date(NOW.getTime() + 5 * 60_000) }), 'in the future'],
      [w.request('carol', carol), 'carol does not hold the approver role for model recs'],
      [w.request('bob', bob, { action: 'pause' }), 'bob does not hold the operator role for model recs'],
    ];
    for (const [req, reason] of cases) {
      const verdict = await verifyIdentity(w.deps, req);
      expect(verdict.verified).toBe(false);
      expect(verdict.verified ? '' : verdict.reason).toContain(reason);
    }
    expect(w.uses.size).toBe(0);
  });

  it('refuses a signature used for anything else before: a replay, here or on another pipeline step', async () => {
    const w = world();
    const bob = w.enrol('bob', ['approver']);
    const req = w.request('bob', bob);
    await verifyIdentity(w.deps, req);
    const again = await verifyIdentity(w.deps, { ...req, useKey: 'use-2' });
    expect(again).toEqual({ verified: false, reason: `replayed: this signature (nonce ${req.signature.nonce}) was already used, by bob at ${NOW.toISOString()}` });
  });

  it('refuses a revoked key, and a role granted on another model', async () => {
    const w = world();
    const bob = w.enrol('bob', ['approver']);
    w.people.get('bob')!.keys[0].revokedAt = NOW;
    expect(await verifyIdentity(w.deps, w.request('bob', bob))).toMatchObject({ verified: false, reason: expect.stringContaining(`was revoked at ${NOW.toISOString()}`) });
    const dan = w.enrol('dan', ['approver'], 'other-model');
    expect(await verifyIdentity(w.deps, w.request('dan', dan))).toMatchObject({ verified: false, reason: 'dan does not hold the approver role for model recs' });
    const root = w.enrol('root', ['approver'], '*');
    expect(await verifyIdentity(w.deps, w.request('root', root))).toMatchObject({ verified: true });
  });
});
