import { ObjectId } from 'mongodb';
import { sha256Schema } from '../contracts/primitives';
import { z } from 'zod';
import { jsonObjectSchema } from '../audit/json';
import { STATUSES, type Status } from './lifecycle';
import { MODEL_NAME_PATTERN, MODEL_NAME_RULE, SEMVER_PATTERN, SEMVER_RULE } from './semver';

export const ALIASES = ['champion', 'last-known-good', 'challenger'] as const;
export type AliasName = (typeof ALIASES)[number];

export const BUCKETS = ['artifacts', 'datasets'] as const;
export type BucketName = (typeof BUCKETS)[number];

export const modelNameSchema = z.string().regex(MODEL_NAME_PATTERN, MODEL_NAME_RULE);
/** Shape only; registry operations parse it with parseSemver to raise InvalidSemverError rather than a generic one. */
export const versionStringSchema = z.string().regex(SEMVER_PATTERN, SEMVER_RULE);
export { sha256Schema };
export const actorSchema = z.string().trim().min(1, 'must name who acts, e.g. "user:alice" or "service:worker"').max(256, 'must be at most 256 characters');
export const reasonSchema = z.string().trim().min(1, 'must say why').max(2000, 'must be at most 2000 characters');
/** Idempotency key of a retried step, typically `${workflowId}:${stepKey}`. */
export const keySchema = z.string().regex(/^[\x21-\x7e]{1,256}$/, 'must be 1-256 printable ASCII characters without spaces');
export const statusSchema = z.enum(STATUSES, { message: `must be one of ${STATUSES.join(', ')}` });
export const aliasSchema = z.enum(ALIASES, { message: `must be one of ${ALIASES.join(', ')}` });
const objectIdSchema = z.instanceof(ObjectId, { message: 'must be a blob id (ObjectId)' });
const tagSchema = z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, 'must be 1-64 lowercase letters, digits, ".", "_" or "-"');

// ---- stored documents ----

export const modelDocSchema = z.object({
  _id: modelNameSchema,
  name: modelNameSchema,
  owner: z.string().min(1),
  description: z.string(),
  trigger: z.enum(['auto', 'manual']),
  createdBy: actorSchema,
  createdAt: z.date(),
});
export type ModelDoc = z.infer<typeof modelDocSchema>;

export const artifactRefSchema = z.object({ fileId: objectIdSchema, sha256: sha256Schema }).strict();
export type ArtifactRef = z.infer<typeof artifactRefSchema>;

export const versionMetadataSchema = z
  .object({
    trainingDataVersion: z.string().trim().min(1, 'must identify the training data, e.g. a dataset version or sha256').max(256),
    hyperparameters: jsonObjectSchema,
    codeVersion: z.string().trim().min(1, 'must identify the training code, e.g. a git commit').max(256),
    metrics: z.record(z.string(), z.number().refine(Number.isFinite, 'must be a finite number')),
    description: z.string().max(2000, 'must be at most 2000 characters').optional(),
    tags: z.array(tagSchema).max(32, 'must have at most 32 tags').optional(),
  })
  .strict();
export type VersionMetadata = z.infer<typeof versionMetadataSchema>;

/** One row per status change; the unique (model, version, revision) _id is the compare-and-set (see transitions.ts). */
export const transitionDocSchema = z.object({
  _id: z.string(),
  model: modelNameSchema,
  version: versionStringSchema,
  revision: z.number().int().positive(),
  from: statusSchema,
  to: statusSchema,
  at: z.date(),
  actor: actorSchema,
  reason: reasonSchema,
  key: keySchema.optional(),
});
export type TransitionDoc = z.infer<typeof transitionDocSchema>;

/** An immutable registered version. Its status is not stored here but derived from its transitions. */
export const versionDocSchema = z.object({
  _id: z.string(),
  model: modelNameSchema,
  version: versionStringSchema,
  semver: z.object({ major: z.number().int(), minor: z.number().int(), patch: z.number().int() }),
  artifact: artifactRefSchema.extend({ length: z.number().int().nonnegative() }),
  metadata: versionMetadataSchema,
  createdBy: actorSchema,
  createdAt: z.date(),
  registrationKey: keySchema.optional(),
});
export type VersionDoc = z.infer<typeof versionDocSchema>;

export interface TransitionEntry {
  from: Status | null;
  to: Status;
  at: Date;
  actor: string;
  reason: string;
  key?: string;
}

/** A version as the registry answers it: the stored document plus its current status and full history. */
export interface ModelVersion extends VersionDoc {
  status: Status;
  /** Number of transitions so far (0 right after registration). */
  revision: number;
  /** Oldest first; the first entry is the registration itself. */
  history: TransitionEntry[];
}

export const aliasHistoryDocSchema = z.object({
  _id: z.string(),
  model: modelNameSchema,
  alias: aliasSchema,
  revision: z.number().int().positive(),
  from: versionStringSchema.nullable(),
  to: versionStringSchema.nullable(),
  at: z.date(),
  actor: actorSchema,
  reason: reasonSchema,
  key: keySchema.optional(),
});
export type AliasHistoryDoc = z.infer<typeof aliasHistoryDocSchema>;

// ---- inputs ----

export const createModelInputSchema = z
  .object({
    name: modelNameSchema,
    owner: z.string().trim().min(1, 'must name the owning team or person').max(256),
    description: z.string().max(2000, 'must be at most 2000 characters').default(''),
    trigger: z.enum(['auto', 'manual'], { message: 'must be auto or manual' }).default('manual'),
    actor: actorSchema,
  })
  .strict();
export type CreateModelInput = z.input<typeof createModelInputSchema>;

export const registerVersionInputSchema = z
  .object({
    model: modelNameSchema,
    version: z.string(),
    artifact: artifactRefSchema,
    metadata: versionMetadataSchema,
    createdBy: actorSchema,
    key: keySchema.optional(),
  })
  .strict();
export type RegisterVersionInput = z.input<typeof registerVersionInputSchema>;

export const transitionInputSchema = z
  .object({
    model: modelNameSchema,
    version: z.string(),
    to: statusSchema,
    /** Optional stricter compare-and-set: fail with StaleStatusError unless the version is in this status now. */
    from: statusSchema.optional(),
    actor: actorSchema,
    reason: reasonSchema,
    key: keySchema.optional(),
  })
  .strict();
export type TransitionInput = z.input<typeof transitionInputSchema>;

export const moveAliasInputSchema = z
  .object({
    model: modelNameSchema,
    alias: aliasSchema,
    to: z.string().nullable(),
    expected: z.string().nullable(),
    actor: actorSchema,
    reason: reasonSchema,
    key: keySchema.optional(),
  })
  .strict()
  .refine((m) => m.to !== m.expected, { path: ['to'], message: 'must differ from expected: the alias already holds it' });
export type MoveAliasInput = z.input<typeof moveAliasInputSchema>;
