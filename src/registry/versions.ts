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
  try {
    await cols.versions.insertOne(doc);
    return withStatus(doc, []);
  } catch (error) {
    if (!isDuplicateKeyError(error)) throw error;
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

/** Versions of a model, newest semantic version first, optionally only those in one status. */
export async function listVersions(cols: RegistryCollections, model: string, options: { status?: Status } = {}): Promise<ModelVersion[]> {
  const status = options.status === undefined ? undefined : parseInput('listVersions', statusSchema, options.status);
  const [docs, rows] = await Promise.all([
    cols.versions.find({ model }).toArray(),
    cols.transitions.find({ model }).sort({ revision: 1 }).toArray(),
  ]);
  const byVersion = new Map<string, TransitionDoc[]>();
  for (const row of rows) byVersion.set(row.version, [...(byVersion.get(row.version) ?? []), row]);
  return docs
    .map((doc) => withStatus(doc, byVersion.get(doc.version) ?? []))
    .filter((v) => status === undefined || v.status === status)
    .sort((a, b) => compareSemver(b.semver, a.semver));
}
