import { isDuplicateKeyError } from '../db/duplicate-key';
import { readNumbered } from '../db/numbered-list';
import type { BlobStore } from './blob-store';
import { transitionRowId, versionId, type RegistryCollections } from './collections';
import { BlobNotFoundError, ChecksumMismatchError, DuplicateVersionError, IdempotencyKeyConflictError } from './errors';
import type { Status } from './lifecycle';
import { requireModel, type Clock } from './models';
import {
  registerVersionInputSchema,
  statusSchema,
  type ModelVersion,
  type RegisterVersionInput,
  type TransitionDoc,
  type TransitionEntry,
  type VersionDoc,
} from './schemas';
import { compareSemver } from './semver';
import { parseInput } from '../validation/input-error';
import { requireSemver } from './validate';
import { claimPlace, listEnd, placesBackFrom } from './version-list';
import { z } from 'zod';

export function transitionEntry(row: TransitionDoc): TransitionEntry {
  const { from, to, at, actor, reason, key } = row;
  return { from, to, at, actor, reason, ...(key === undefined ? {} : { key }) };
}

/** A version with the status its transitions (sorted by revision) lead to; registration is the implicit first step. */
export function withStatus(doc: VersionDoc, rows: readonly TransitionDoc[]): ModelVersion {
  const last = rows[rows.length - 1];
  const registered: TransitionEntry = { from: null, to: 'registered', at: doc.createdAt, actor: doc.createdBy, reason: 'version registered' };
  return { ...doc, status: last?.to ?? 'registered', revision: last?.revision ?? 0, history: [registered, ...rows.map(transitionEntry)] };
}

/**
 * Registers an immutable model version in status `registered`. Every check (input, semver, model, artifact) runs
 * before the single insert, so a refused registration writes nothing. The unique _id `${model}@${version}` makes a
 * second registration a DuplicateVersionError, unless it carries the same idempotency key: then it is a retry and
 * gets the stored version back.
 */
export async function registerVersion(
  cols: RegistryCollections,
  artifacts: BlobStore,
  clock: Clock,
  raw: RegisterVersionInput,
): Promise<ModelVersion> {
  const input = parseInput('registerVersion', registerVersionInputSchema, raw);
  const semver = requireSemver('registerVersion', 'version', input.version);
  await requireModel(cols, input.model);
  const blob = await artifacts.statById(input.artifact.fileId);
  if (!blob) throw new BlobNotFoundError(artifacts.name, `artifact.fileId ${input.artifact.fileId.toHexString()}`);
  if (blob.sha256 !== input.artifact.sha256) throw new ChecksumMismatchError('artifact.sha256', input.artifact.sha256, blob.sha256);

  const doc: VersionDoc = {
    _id: versionId(input.model, input.version),
    model: input.model,
    version: input.version,
    semver,
    artifact: { fileId: blob.id, sha256: blob.sha256, length: blob.length },
    metadata: input.metadata,
    createdBy: input.createdBy,
    createdAt: clock(),
    ...(input.key === undefined ? {} : { registrationKey: input.key }),
  };
  // A retried registration finds its version stored and claims no second place in the list.
  if (!(await cols.versions.findOne({ _id: doc._id }, { projection: { _id: 1 } }))) {
    try {
      await claimPlace(cols, input.model, input.version);
      await cols.versions.insertOne(doc);
      return withStatus(doc, []);
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
    }
  }
  const existing = await getVersion(cols, input.model, input.version);
  if (!existing || input.key === undefined || existing.registrationKey !== input.key) throw new DuplicateVersionError(input.model, input.version);
  if (existing.artifact.sha256 !== doc.artifact.sha256) {
    throw new IdempotencyKeyConflictError(input.key, `registering ${doc._id} with artifact ${existing.artifact.sha256}`);
  }
  return existing;
}

/** A version's transitions, oldest first. Revisions are gap-free: one `_id` read each, and the one that misses. */
function transitionsOf(cols: RegistryCollections, model: string, version: string): Promise<TransitionDoc[]> {
  return readNumbered(cols.transitions, (revision) => transitionRowId(model, version, revision), 0);
}

export async function getVersion(cols: RegistryCollections, model: string, version: string): Promise<ModelVersion | null> {
  const [doc, rows] = await Promise.all([cols.versions.findOne({ _id: versionId(model, version) }), transitionsOf(cols, model, version)]);
  return doc ? withStatus(doc, rows) : null;
}

/** How many versions a listing gives unless asked for more. */
export const LISTED_VERSIONS = 20;

/**
 * The `limit` versions of a model registered last (all of them with `limit: Infinity`), optionally only those in one
 * status, newest semantic version first. It reads that model's list of versions from its end and each version by
 * `_id`: the cost grows with what is listed, never with other models or older versions (a status filter reads back
 * until it has found `limit`).
 */
export async function listVersions(cols: RegistryCollections, model: string, options: { status?: Status; limit?: number } = {}): Promise<ModelVersion[]> {
  const { status, limit } = parseInput('listVersions', listOptionsSchema, options);
  const found: ModelVersion[] = [];
  const seen = new Set<string>();
  for (let next = await listEnd(cols, model); next > 0 && found.length < limit; ) {
    // As many places as versions still wanted, read together: one round trip for a page, however long the list.
    const count = Math.min(MAX_READ_TOGETHER, limit - found.length);
    const names = [...new Set(await placesBackFrom(cols, model, next, count))].filter((v) => !seen.has(v));
    names.forEach((v) => seen.add(v));
    next -= count;
    const versions = await Promise.all(names.map((version) => getVersion(cols, model, version)));
    for (const v of versions) if (v && (status === undefined || v.status === status) && found.length < limit) found.push(v);
  }
  return found.sort((a, b) => compareSemver(b.semver, a.semver));
}

/** Versions read at once while listing. */
const MAX_READ_TOGETHER = 32;

const listOptionsSchema = z.object({
  status: statusSchema.optional(),
  limit: z.number({ message: 'must be a number' }).int('must be a whole number').positive('must be at least 1').or(z.literal(Infinity)).default(LISTED_VERSIONS),
});
