import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KeyObject } from 'node:crypto';
import type { Db } from 'mongodb';
import { createAuditLog } from '../../src/audit';
import type { Role } from '../../src/contracts/identity';
import { addPerson, grantsOf, type Admin } from '../../src/identity/admin';
import { generateKeyPair, publicKeyOf, readPrivateKey } from '../../src/identity/keys';
import { createPeopleStore } from '../../src/identity/people';

/**
 * The demo's people, each with a key under `home`/keys as `modelship keys generate` writes it: an admin who enrols
 * the others, alice who submits and bob who approves. A rerun finds them and their keys again.
 */
export async function demoPeople(db: Db, home: string, auditLog: ReturnType<typeof createAuditLog>): Promise<Record<'alice' | 'bob', KeyObject>> {
  const dir = join(home, 'keys');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const people = createPeopleStore(db);
  const keyOf = (name: string): KeyObject => {
    const path = join(dir, `${name}.key`);
    if (!existsSync(path)) writeFileSync(path, generateKeyPair().privateKeyPem, { mode: 0o600 });
    return readPrivateKey(readFileSync(path, 'utf8'));
  };
  let admin: Admin | null = null;
  for (const [name, roles] of [['demo-admin', ['admin']], ['alice', ['submitter']], ['bob', ['approver']]] as [string, Role[]][]) {
    const key = keyOf(name);
    if (!(await people.get(name))) await addPerson(db, auditLog, { name, publicKey: publicKeyOf(key), grants: grantsOf(roles, []), admin });
    admin ??= { name, key };
  }
  return { alice: keyOf('alice'), bob: keyOf('bob') };
}
