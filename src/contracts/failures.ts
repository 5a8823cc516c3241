/** Failure types the pipeline raises as non-retryable ApplicationFailures; each names why the pipeline stopped. */
export const FailureType = {
  InvalidSpec: 'InvalidSpec',
  BadArtifact: 'BadArtifact',
  BadDataset: 'BadDataset',
  UnknownModel: 'UnknownModel',
  IllegalTransition: 'IllegalTransition',
  GateFailed: 'GateFailed',
  /** Gates failed only for reasons outside the model (a machine too slow to measure on): not final, may run again. */
  GateInconclusive: 'GateInconclusive',
  ApprovalRejected: 'ApprovalRejected',
  ApprovalExpired: 'ApprovalExpired',
  KpiBreach: 'KpiBreach',
  /** A window ended without the evidence its decision needs, and the spec said to roll back rather than wait. */
  Undecided: 'Undecided',
  RouteNotConfirmed: 'RouteNotConfirmed',
  KillSwitchEngaged: 'KillSwitchEngaged',
  RolloutBlocked: 'RolloutBlocked',
  Aborted: 'Aborted',
  RolledBackByOperator: 'RolledBackByOperator',
  /** The start was not signed, or its signature did not prove a submitter of the model. */
  Unauthorized: 'Unauthorized',
} as const;

export type FailureType = (typeof FailureType)[keyof typeof FailureType];

/** Failures that describe the candidate or the request, never the infrastructure: retrying cannot help. */
export const PERMANENT_FAILURES: readonly FailureType[] = Object.values(FailureType);
