/** Failure types the pipeline raises as non-retryable ApplicationFailures; each names why the pipeline stopped. */
export const FailureType = {
  InvalidSpec: 'InvalidSpec',
  BadArtifact: 'BadArtifact',
  BadDataset: 'BadDataset',
  UnknownModel: 'UnknownModel',
  IllegalTransition: 'IllegalTransition',
  GateFailed: 'GateFailed',
  KpiBreach: 'KpiBreach',
  RouteNotConfirmed: 'RouteNotConfirmed',
  KillSwitchEngaged: 'KillSwitchEngaged',
  RolloutBlocked: 'RolloutBlocked',
  Aborted: 'Aborted',
  RolledBackByOperator: 'RolledBackByOperator',
} as const;

export type FailureType = (typeof FailureType)[keyof typeof FailureType];

/** Failures that describe the candidate or the request, never the infrastructure: retrying cannot help. */
export const PERMANENT_FAILURES: readonly FailureType[] = Object.values(FailureType);
