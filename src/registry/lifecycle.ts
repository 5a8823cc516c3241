/**
 * The status lifecycle of a model version, as one table. Pure: no I/O, so the pipeline, the registry and the docs
 * all read the same source of truth.
 *
 *   registered        -> validating | rejected
 *   validating        -> awaiting_approval | rejected | rolled_back
 *   awaiting_approval -> rolling_out | rejected | rolled_back
 *   rolling_out       -> production | rolled_back
 *   production        -> retired | rolled_back
 *   rolled_back       -> validating | retired
 *   rejected, retired -> (terminal)
 *
 * Why these edges:
 * - Every in-flight state (validating, awaiting_approval, rolling_out) may go to rolled_back, so a saga can compensate
 *   from wherever the pipeline failed; production may too, for an incident rollback.
 * - rolled_back -> validating lets the same immutable artifact be retried after an infrastructure failure; a version
 *   whose *content* is wrong is rejected instead, which is terminal: fix it by registering a new version.
 * - A promoted version's predecessor stays `production` while it is last-known-good, and is retired only once no alias
 *   points at it. So a rollback never needs to resurrect a retired version, and retired is terminal.
 * - There is no edge from a state to itself: a repeated transition is legal only as an idempotent replay carrying the
 *   same transition key (see transitions.ts).
 */
export const STATUSES = [
  'registered',
  'validating',
  'awaiting_approval',
  'rolling_out',
  'production',
  'rolled_back',
  'rejected',
  'retired',
] as const;

export type Status = (typeof STATUSES)[number];

export const TRANSITIONS: Readonly<Record<Status, readonly Status[]>> = {
  registered: ['validating', 'rejected'],
  validating: ['awaiting_approval', 'rejected', 'rolled_back'],
  awaiting_approval: ['rolling_out', 'rejected', 'rolled_back'],
  rolling_out: ['production', 'rolled_back'],
  production: ['retired', 'rolled_back'],
  rolled_back: ['validating', 'retired'],
  rejected: [],
  retired: [],
};

/** States a running pipeline may leave through compensation. */
export const IN_FLIGHT: readonly Status[] = ['validating', 'awaiting_approval', 'rolling_out'];

export function canTransition(from: Status, to: Status): boolean {
  return TRANSITIONS[from].includes(to);
}

export function isTerminal(status: Status): boolean {
  return TRANSITIONS[status].length === 0;
}

export function allowedTargets(from: Status): readonly Status[] {
  return TRANSITIONS[from];
}
