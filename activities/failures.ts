import { ApplicationFailure } from '@temporalio/activity';
import { ArtifactFormatError, DatasetFormatError } from '../src/models';
import {
  BlobNotFoundError,
  ChecksumMismatchError,
  CorruptBlobError,
  IllegalTransitionError,
  RegistryError,
  StaleAliasError,
  UnknownModelError,
  UnknownVersionError,
} from '../src/registry';
import { FailureType } from '../src/contracts/failures';
import { InputError } from '../src/validation/input-error';

/**
 * Errors that describe the input are permanent: retrying cannot fix a bad artifact or an illegal transition, so they
 * become non-retryable failures with a type the workflow understands. Anything else (the database is away, a socket
 * closed) is rethrown as is, and Temporal retries it.
 */
export function asPermanent(err: unknown): never {
  const message = err instanceof Error ? err.message : String(err);
  if (err instanceof UnknownModelError || err instanceof UnknownVersionError) throw ApplicationFailure.nonRetryable(message, FailureType.UnknownModel);
  if (err instanceof ArtifactFormatError || err instanceof ChecksumMismatchError || err instanceof CorruptBlobError) {
    throw ApplicationFailure.nonRetryable(message, FailureType.BadArtifact);
  }
  if (err instanceof DatasetFormatError) throw ApplicationFailure.nonRetryable(message, FailureType.BadDataset);
  if (err instanceof BlobNotFoundError) throw ApplicationFailure.nonRetryable(message, FailureType.BadArtifact);
  if (err instanceof IllegalTransitionError || err instanceof StaleAliasError) throw ApplicationFailure.nonRetryable(message, FailureType.IllegalTransition);
  if (err instanceof RegistryError || err instanceof InputError) throw ApplicationFailure.nonRetryable(message, FailureType.InvalidSpec);
  throw err;
}
