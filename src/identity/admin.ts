import type { KeyObject } from 'node:crypto';
import type { Db } from 'mongodb';
import type { AuditLog } from '../audit';
import type { Role } from '../contracts/identity';
import { MODEL_NAME_PATTERN } from '../contracts/primitives';
import { fingerprintOf, publicKeyOf } from './keys';
import { createPeopleStore, EVERY_MODEL, holdsRole, type PersonDoc, type RoleGrant } from './people';

export const PERSON_NAME_PATTERN = /^[A-Za-z][A-Za-z0-9._-]{0,63}$/;
export const PERSON_NAME_RULE = 'must be 1-64 letters, digits, ".", "_" or "-", starting with a letter';

export class PeopleError extends Error {}

/** Who changes the people registry, proven by holding one of their registered keys. */
export interface Admin {
  name: string;
  key: KeyObject;
}

const scope = (grants: RoleGrant[]) => [...new Set(grants.map((g) => g.model))];

/**
 * Checks that `admin` may grant these roles: a registered person whose key is one of theirs, holding the admin role
 * on every model granted (`*` needs admin on every model). With nobody registered as admin yet, the first person
 * added must be an admin on every model, and adds themself.
 */
async function authorise(db: Db, admin: Admin | null, grants: RoleGrant[], newcomer: string): Promise<string> {
  const people = createPeopleStore(db);
  if (!(await people.anyAdmin())) {
    if (!grants.some((g) => g.role === 'admin' && g.model === EVERY_MODEL)) throw new PeopleError('nobody is an admin yet: the first person added must get --role admin on every model');
    if (admin && admin.name !== newcomer) throw new PeopleError(`nobody is an admin yet: ${newcomer} adds themself as the first admin`);
    return newcomer;
  }
  if (!admin) throw new PeopleError('only an admin changes who may act: pass --as ADMIN, with their key');
  const person = await people.get(admin.name);
  if (!person) throw new PeopleError(`${admin.name} is not a registered person`);
  const fingerprint = fingerprintOf(publicKeyOf(admin.key));
  if (!person.keys.some((k) => k.fingerprint === fingerprint && !k.revokedAt)) throw new PeopleError(`the key used (${fingerprint}) is not a registered key of ${admin.name}`);
  const denied = scope(grants).filter((model) => !holdsRole(person, 'admin', model));
  if (denied.length) throw new PeopleError(`${admin.name} does not hold the admin role for ${denied.map((m) => (m === EVERY_MODEL ? 'every model' : `model ${m}`)).join(', ')}`);
  return admin.name;
}

export function grantsOf(roles: Role[], models: string[]): RoleGrant[] {
  const scopes = models.length ? models : [EVERY_MODEL];
  for (const m of scopes) if (m !== EVERY_MODEL && !MODEL_NAME_PATTERN.test(m)) throw new PeopleError(`--model "${m}": must be a model name or * for every model`);
  return roles.flatMap((role) => scopes.map((model) => ({ role, model })));
}

async function record(auditLog: AuditLog, type: string, by: string, name: string, evidence: Record<string, unknown>, revision: string): Promise<void> {
  const models = scope((evidence.roles as RoleGrant[] | undefined) ?? []).filter((m) => m !== EVERY_MODEL);
  await auditLog.append({
    eventId: `people:${name}:${revision}`,
    type,
    actor: `user:${by}`,
    subject: { model: models[0] ?? 'all' },
    pipelineId: `people-${name}`,
    outcome: 'success',
    evidence: JSON.parse(JSON.stringify({ person: name, ...evidence })) as Record<string, never>,
    source: 'identity/admin',
  });
}

export async function addPerson(db: Db, auditLog: AuditLog, req: { name: string; publicKey: string; grants: RoleGrant[]; admin: Admin | null }): Promise<PersonDoc> {
  if (!PERSON_NAME_PATTERN.test(req.name)) throw new PeopleError(`name "${req.name}": ${PERSON_NAME_RULE}`);
  const by = await authorise(db, req.admin, req.grants, req.name);
  const fingerprint = fingerprintOf(req.publicKey);
  const now = new Date();
  const doc: PersonDoc = { _id: req.name, keys: [{ publicKey: req.publicKey, fingerprint, addedAt: now, revokedAt: null }], roles: req.grants, addedBy: by, addedAt: now };
  if (!(await createPeopleStore(db).add(doc))) throw new PeopleError(`${req.name} is already registered: use modelship people grant to add roles`);
  await record(auditLog, 'people.added', by, req.name, { fingerprint, publicKey: req.publicKey, roles: req.grants }, `added:${fingerprint}`);
  return doc;
}

export async function grantRoles(db: Db, auditLog: AuditLog, req: { name: string; grants: RoleGrant[]; admin: Admin | null }): Promise<PersonDoc> {
  const people = createPeopleStore(db);
  if (!(await people.get(req.name))) throw new PeopleError(`${req.name} is not a registered person: add them with modelship people add`);
  const by = await authorise(db, req.admin, req.grants, req.name);
  await people.grant(req.name, req.grants);
  const after = (await people.get(req.name))!;
  await record(auditLog, 'people.granted', by, req.name, { roles: req.grants, holds: after.roles }, `granted:${after.roles.length}:${JSON.stringify(req.grants)}`);
  return after;
}
