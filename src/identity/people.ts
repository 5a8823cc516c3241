import type { Collection, Db } from 'mongodb';
import { ROLES, type Role } from '../contracts/identity';
import { isDuplicateKeyError } from '../db/duplicate-key';

export const PEOPLE = 'people';

/** `*` grants a role on every model. */
export const EVERY_MODEL = '*';

export interface RoleGrant {
  role: Role;
  model: string;
}

export interface PersonKey {
  publicKey: string;
  fingerprint: string;
  addedAt: Date;
  /** A revoked key verifies nothing new; it stays listed so that old signatures can still be checked. */
  revokedAt: Date | null;
}

export interface PersonDoc {
  /** The person's name, as signatures and specs give it. */
  _id: string;
  keys: PersonKey[];
  roles: RoleGrant[];
  addedBy: string;
  addedAt: Date;
}

export function peopleCollection(db: Db): Collection<PersonDoc> {
  return db.collection<PersonDoc>(PEOPLE);
}

export function holdsRole(person: Pick<PersonDoc, 'roles'>, role: Role, model: string): boolean {
  return person.roles.some((g) => g.role === role && (g.model === model || g.model === EVERY_MODEL));
}

export const isRole = (text: string): text is Role => (ROLES as readonly string[]).includes(text);

/** The people registry: who may sign, with which keys, in which roles. */
export interface PeopleStore {
  get(name: string): Promise<PersonDoc | null>;
  list(): Promise<PersonDoc[]>;
  anyAdmin(): Promise<boolean>;
  /** Adds a person; false if the name is taken. */
  add(doc: PersonDoc): Promise<boolean>;
  grant(name: string, grants: RoleGrant[]): Promise<void>;
  addKey(name: string, key: PersonKey): Promise<void>;
  revokeKey(name: string, fingerprint: string, at: Date): Promise<boolean>;
}

export function createPeopleStore(db: Db): PeopleStore {
  const people = peopleCollection(db);
  return {
    get: (name) => people.findOne({ _id: name }),
    list: () => people.find({}).sort({ _id: 1 }).toArray(),
    anyAdmin: async () => (await people.countDocuments({ 'roles.role': 'admin' }, { limit: 1 })) > 0,
    async add(doc) {
      try {
        await people.insertOne(doc);
        return true;
      } catch (err) {
        if (isDuplicateKeyError(err)) return false;
        throw err;
      }
    },
    async grant(name, grants) {
      await people.updateOne({ _id: name }, { $addToSet: { roles: { $each: grants } } });
    },
    async addKey(name, key) {
      await people.updateOne({ _id: name, 'keys.fingerprint': { $ne: key.fingerprint } }, { $push: { keys: key } });
    },
    async revokeKey(name, fingerprint, at) {
      const res = await people.updateOne({ _id: name, keys: { $elemMatch: { fingerprint, revokedAt: null } } }, { $set: { 'keys.$.revokedAt': at } });
      return res.modifiedCount === 1;
    },
  };
}
