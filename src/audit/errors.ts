/** Base of every error the audit log throws on purpose; `code` is stable for callers. */
export abstract class AuditError extends Error {
  abstract readonly code: string;
  protected constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** An eventId was reused for a different event: a caller bug (two steps sharing a key), never a retry. */
export class AuditEventConflictError extends AuditError {
  readonly code = 'AUDIT_EVENT_CONFLICT';
  constructor(
    readonly eventId: string,
    readonly fields: readonly string[],
  ) {
    super(`eventId: "${eventId}" is already recorded with different ${fields.join(', ')}`);
  }
}

/** Concurrent writers kept winning the chain heads; retrying later is safe. */
export class AuditContentionError extends AuditError {
  readonly code = 'AUDIT_CONTENTION';
  constructor(
    readonly eventId: string,
    attempts: number,
  ) {
    super(`appendAudit "${eventId}": gave up after ${attempts} attempts lost to concurrent writers`);
  }
}

/** A proof cannot be given: the event is unknown, no checkpoint covers it yet, or the stored tree is incomplete. */
export class AuditProofError extends AuditError {
  readonly code = 'AUDIT_PROOF';
  constructor(message: string) {
    super(message);
  }
}

/** An evidence bundle does not verify; the message names the entry or the part that failed. */
export class BundleError extends AuditError {
  readonly code = 'AUDIT_BUNDLE';
  constructor(message: string) {
    super(message);
  }
}
