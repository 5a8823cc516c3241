import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Db } from 'mongodb';
import { createAuditLog } from '../../src/audit';
import type { Role } from '../../src/contracts/identity';
import { addPerson, grantsOf, type Admin } from '../../src/identity/admin';
import { generateKeyPair, readPrivateKey } from '../../src/identity/keys';

/**
 * Gives each person a key under `home`/keys, where the CLI finds it with MODELSHIP_HOME=home, and registers them with
 * their roles on every model, as an admin would with `keys generate` and `people add`. The admin is enrolled first.
 */
export async function enrolPeople(db: Db, home: string, people: Record<string, Role[]>): Promise<Record<string, string>> {
  const dir = join(home, 'keys');
  mkdirSync(dir, { recursive: true });
  const auditLog = createAuditLog(db);
  const fingerprints: Record<string, string> = {};
  let admin: Admin | null = null;
  for (const [name, roles] of [['admin', ['admin']] as const, ...Object.entries(people)]) {
    const pair = generateKeyPair();
    writeFileSync(join(dir, `${name}.key`), pair.privateKeyPem, { mode: 0o600 });
    await addPerson(db, auditLog, { name, publicKey: pair.publicKey, grants: grantsOf([...roles] as Role[], []), admin });
    admin ??= { name, key: readPrivateKey(pair.privateKeyPem) };
    fingerprints[name] = pair.fingerprint;
  }
  return fingerprints;
}
