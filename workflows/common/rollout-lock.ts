import { sleep } from '@temporalio/workflow';
import type { LockAcquisition, PipelineRef } from '../../src/contracts/pipeline-activities';

export interface LockWait {
  ref: PipelineRef;
  acquire: (input: { ref: PipelineRef }) => Promise<LockAcquisition>;
  /** How long to wait between attempts. */
  intervalMs: number;
  /** Called once for each new holder found in the way. */
  onHolder: (holder: string) => Promise<void>;
  /** Called when the lock was taken over from a run that closed without releasing it. */
  onTakeover: (from: { workflowId: string; runId: string }) => Promise<void>;
  /** When it turns true, the wait ends without the lock. */
  abandon?: () => boolean;
}

/** One rollout per model: waits durably until the model's rollout lock is this run's. False if abandoned first. */
export async function takeRolloutLock(w: LockWait): Promise<boolean> {
  let waitingOn: string | null = null;
  for (;;) {
    if (w.abandon?.()) return false;
    const lock = await w.acquire({ ref: w.ref });
    if (lock.acquired) {
      if (lock.takenOverFrom) await w.onTakeover(lock.takenOverFrom);
      return true;
    }
    if (lock.holder !== waitingOn) {
      waitingOn = lock.holder;
      await w.onHolder(lock.holder);
    }
    await sleep(w.intervalMs, { summary: `waiting for ${waitingOn} to release the rollout lock` });
  }
}
