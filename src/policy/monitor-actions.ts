import type { OperatorActionKind } from '../contracts/messages';
import type { MonitorStatus } from '../contracts/monitoring';

/**
 * Why an operator action on a monitor cannot be carried out now, or null when it can. A monitor has no rollout of its
 * own: promote and abort belong to a pipeline. Pause silences it, resume wakes it, rollback puts the last-known-good
 * version back at once.
 */
export function monitorRefusalOf(kind: OperatorActionKind, status: Pick<MonitorStatus, 'model' | 'state' | 'champion' | 'lastKnownGood' | 'paused'>, rollbackBy: string | null): string | null {
  if (kind === 'promote' || kind === 'abort') return `a monitor has no rollout to ${kind}: ${kind} a pipeline of ${status.model} instead`;
  if (kind === 'pause') return status.paused ? `monitoring is already paused by ${status.paused.by}` : null;
  if (kind === 'resume') return status.paused ? null : 'monitoring is not paused';
  if (!status.champion) return 'the monitor watches no champion yet';
  if (!status.lastKnownGood) return 'there is no last-known-good version to roll back to';
  if (status.state === 'rolling_back' || rollbackBy) return `a rollback is already under way${rollbackBy ? `, requested by ${rollbackBy}` : ''}`;
  if (status.state === 'awaiting_rollback_approval') return `a rollback awaits approval: approve it with modelship approve monitor-${status.model}`;
  return null;
}

/** What an accepted action on a monitor does, as its caller is told. */
export const MONITOR_ACTION_EFFECTS: Record<'pause' | 'resume' | 'rollback', string> = {
  pause: 'paused: checks go on and are shown, but nothing alerts or rolls back until it is resumed',
  resume: 'resumed: breaches alert and roll back again as the policy says',
  rollback: 'rollback requested: the champion is rolled back to the last known good version at once',
};
