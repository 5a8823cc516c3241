import type { KeyObject } from 'node:crypto';
import type { IdentityRequest, Role, Signature } from '../../src/contracts/identity';
import { generateKeyPair, readPrivateKey } from '../../src/identity/keys';
import { EVERY_MODEL, type PersonDoc } from '../../src/identity/people';
import type { SignatureUse } from '../../src/identity/signature-uses';
import { signAction, type WhatToSign } from '../../src/identity/signed-fields';
import { verifyIdentity } from '../../src/identity/verify-identity';

/** A registered person in the fake registry, able to sign as the CLI does. */
export interface FakePerson {
  name: string;
  key: KeyObject;
  fingerprint: string;
  sign(what: Omit<WhatToSign, 'signer'>, at?: Date): Signature;
}

/**
 * The real verifier over a people registry and a nonce store kept in memory. The store spends a nonce once, as the
 * database's unique _id does: a second claim gets the first use back.
 */
export function createFakeIdentity(artifactSha256: string) {
  const people = new Map<string, PersonDoc>();
  const uses = new Map<string, SignatureUse>();
  const deps = {
    people: { get: async (name: string) => people.get(name) ?? null },
    uses: {
      find: async (nonce: string) => uses.get(nonce) ?? null,
      async claim(use: SignatureUse) {
        const earlier = uses.get(use._id);
        if (earlier) return earlier;
        uses.set(use._id, use);
        return use;
      },
    },
    artifactOf: async () => artifactSha256,
    now: () => new Date(),
  };

  function person(name: string, roles: Role[], model = EVERY_MODEL): FakePerson {
    const pair = generateKeyPair();
    const key = readPrivateKey(pair.privateKeyPem);
    people.set(name, { _id: name, keys: [{ publicKey: pair.publicKey, fingerprint: pair.fingerprint, addedAt: new Date(), revokedAt: null }], roles: roles.map((role) => ({ role, model })), addedBy: 'test', addedAt: new Date() });
    return { name, key, fingerprint: pair.fingerprint, sign: (what, at) => signAction({ ...what, signer: name }, key, at) };
  }

  const fake = {
    /** How long each check takes: a test holds a signature check in flight with it. */
    delayMs: 0,
    verify: async (req: IdentityRequest) => {
      if (fake.delayMs) await new Promise((r) => setTimeout(r, fake.delayMs));
      return verifyIdentity(deps, req);
    },
    person,
    people,
    uses,
  };
  return fake;
}

export type FakeIdentity = ReturnType<typeof createFakeIdentity>;
