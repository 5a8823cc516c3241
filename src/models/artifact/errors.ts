/** Every way an artifact can be refused. Callers branch on `reason`; the message is for humans. */
export type ArtifactErrorReason =
  | 'bad_magic'
  | 'unsupported_version'
  | 'unsupported_kind'
  | 'bad_header'
  | 'truncated'
  | 'trailing_bytes'
  | 'dimension_mismatch'
  | 'bad_metadata'
  | 'non_finite_weight'
  | 'invalid_id'
  | 'duplicate_id'
  | 'bad_graph'
  | 'non_finite_output';

export class ArtifactFormatError extends Error {
  constructor(
    readonly reason: ArtifactErrorReason,
    message: string,
  ) {
    super(`artifact refused (${reason}): ${message}`);
    this.name = 'ArtifactFormatError';
  }
}
