import { CancellationScope } from '@temporalio/workflow';
import type { MonitoringPolicy } from '../../src/contracts/model-policy';
import type { VersionRef } from '../../src/contracts/monitoring';
import type { PipelineRef } from '../../src/contracts/pipeline-activities';
import { durationMs } from '../../src/contracts/primitives';
import { takeRolloutLock } from '../common/rollout-lock';
import { reverting, steps } from './steps';

export interface RollbackRequest {
  ref: PipelineRef;
  from: VersionRef;
  to: VersionRef;
  policy: MonitoringPolicy;
  /** Why, as the routing change, the aliases and the registry record it. */
  reason: string;
  /** Unique per incident: every step's idempotency key derives from it. */
  key: string;
  /** True when the model changed hands meanwhile: the rollback is then abandoned. */
  superseded: () => boolean;
  /** Records what the rollback did to other holders of the model: an abort asked of a rollout, a lock taken over. */
  audit: (what: string, type: string, evidence: Record<string, unknown>) => Promise<void>;
}

/**
 * Puts the last-known-good version back as the only one served, then as champion, and marks the breaching version
 * rolled back. It takes the model's rollout lock first, so it never races a pipeline's own routing changes.
 */
export async function rollbackToLastKnownGood(req: RollbackRequest): Promise<{ revertMs: number; replicas: string[] } | null> {
  const { ref, from, to, key, reason } = req;
  const actor = ref.pipelineId;
  const acquired = await takeRolloutLock({
    ref,
    acquire: steps.acquireRolloutLock,
    intervalMs: durationMs(req.policy.checkInterval),
    abandon: req.superseded,
    onTakeover: (from) => req.audit('lock-taken-over', 'rollout.lock_taken_over', { from, by: actor }),
    // A rollout in flight would hold the breaching champion as its stable for a whole bake: stop it first.
    onHolder: async (holder) => {
      const { signalled } = await steps.abortRollout({ holder, actor, reason });
      await req.audit(`abort-requested:${holder}`, 'monitor.rollout_abort_requested', { holder, signalled, reason });
    },
  });
  if (!acquired) return null;
  try {
    if (req.superseded()) return null;
    const before = await steps.readRoute({ model: ref.model });
    const confirmMs = durationMs(req.policy.confirmTimeout);
    const revert = await reverting(confirmMs).revertRoute({
      routeName: ref.model,
      key: `${key}:route`,
      spec: { ...before.spec, stable: to, candidate: null, shadow: null },
      actor,
      reason,
      timeoutMs: confirmMs,
    });
    await steps.moveAlias({ ref, alias: 'champion', to: to.version, expected: from.version, key: `${key}:champion`, actor, reason });
    await steps.moveAlias({ ref, alias: 'last-known-good', to: null, expected: to.version, key: `${key}:last-known-good`, actor, reason: `${to.version} is champion again` });
    await steps.transitionStatus({ ref, to: 'rolled_back', key: `${key}:status`, actor, reason });
    return { revertMs: revert.revertMs, replicas: revert.replicas };
  } finally {
    await CancellationScope.nonCancellable(() => steps.releaseRolloutLock({ ref }));
  }
}
