import { InputError } from '../validation/input-error';
import { allowedTargets, isTerminal, type Status } from './lifecycle';

/**
 * Base of every error the registry throws on purpose. `code` is stable for callers (Temporal activities map it to a
 * non-retryable failure type); all of them are deterministic except ContentionError, which is worth retrying.
 */
export abstract class RegistryError extends Error {
  abstract readonly code: string;
  protected constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

export class InvalidSemverError extends InputError {
  override readonly code = 'INVALID_SEMVER';
  constructor(operation: string, field: string, value: string, rule: string) {
    super(operation, [{ field, rule: `${JSON.stringify(value)} ${rule}` }]);
  }
}

export class UnknownModelError extends RegistryError {
  readonly code = 'UNKNOWN_MODEL';
  constructor(readonly model: string) {
    super(`model: no model named "${model}"; create it with createModel first`);
  }
}

export class ModelConflictError extends RegistryError {
  readonly code = 'MODEL_CONFLICT';
  constructor(
    readonly model: string,
    readonly fields: readonly string[],
  ) {
    super(`model "${model}" already exists with different ${fields.join(', ')}`);
  }
}

export class UnknownVersionError extends RegistryError {
  readonly code = 'UNKNOWN_VERSION';
  constructor(
    readonly model: string,
    readonly version: string,
  ) {
    super(`version: model "${model}" has no version ${version}`);
  }
}

export class DuplicateVersionError extends RegistryError {
  readonly code = 'DUPLICATE_VERSION';
  constructor(
    readonly model: string,
    readonly version: string,
  ) {
    super(`version: ${model}@${version} is already registered; versions are immutable, register a new version instead`);
  }
}

export class IllegalTransitionError extends RegistryError {
  readonly code = 'ILLEGAL_TRANSITION';
  constructor(
    readonly model: string,
    readonly version: string,
    readonly from: Status,
    readonly to: Status,
  ) {
    const allowed = isTerminal(from) ? `${from} is terminal` : `allowed from ${from}: ${allowedTargets(from).join(', ')}`;
    super(`to: ${model}@${version} cannot go from ${from} to ${to} (${allowed})`);
  }
}

export class StaleStatusError extends RegistryError {
  readonly code = 'STALE_STATUS';
  constructor(
    readonly model: string,
    readonly version: string,
    readonly expected: Status,
    readonly actual: Status,
  ) {
    super(`from: ${model}@${version} was expected in status ${expected} but is ${actual}`);
  }
}

export class StaleAliasError extends RegistryError {
  readonly code = 'STALE_ALIAS';
  constructor(
    readonly model: string,
    readonly alias: string,
    readonly expected: string | null,
    readonly actual: string | null,
  ) {
    super(`expected: alias ${model}:${alias} was expected at ${expected ?? '(unset)'} but holds ${actual ?? '(unset)'}`);
  }
}

/** The same idempotency key was reused for a different request: a caller bug, never a retry. */
export class IdempotencyKeyConflictError extends RegistryError {
  readonly code = 'IDEMPOTENCY_KEY_CONFLICT';
  constructor(
    readonly key: string,
    detail: string,
  ) {
    super(`key: "${key}" was already used for ${detail}`);
  }
}

export class ChecksumMismatchError extends RegistryError {
  readonly code = 'CHECKSUM_MISMATCH';
  constructor(
    readonly field: string,
    readonly declared: string,
    readonly actual: string,
  ) {
    super(`${field}: declared sha256 ${declared} does not match the bytes (sha256 ${actual}); nothing was stored`);
  }
}

export class BlobNotFoundError extends RegistryError {
  readonly code = 'BLOB_NOT_FOUND';
  constructor(
    readonly bucket: string,
    readonly ref: string,
  ) {
    super(`no blob ${ref} in bucket "${bucket}"`);
  }
}

export class CorruptBlobError extends RegistryError {
  readonly code = 'CORRUPT_BLOB';
  constructor(
    readonly bucket: string,
    readonly sha256: string,
    detail: string,
  ) {
    super(`stored blob ${sha256} in bucket "${bucket}" is corrupt: ${detail}`);
  }
}

/** Too many concurrent writers won the compare-and-set in a row; retrying later is safe. */
export class ContentionError extends RegistryError {
  readonly code = 'CONTENTION';
  constructor(what: string, attempts: number) {
    super(`${what}: gave up after ${attempts} compare-and-set attempts lost to concurrent writers`);
  }
}
