import type { Db } from 'mongodb';
import { isDuplicateKeyError } from '../db/duplicate-key';

export const ROLLOUT_LOCKS = 'rollout_locks';
export const ROLLOUT_LOCK_TAKEOVERS = 'rollout_lock_takeovers';

/** A workflow execution: a lock belongs to one run, so a rerun under the same workflow id is another holder. */
export interface LockHolder {
  workflowId: string;
  runId: string;
}

interface LockDoc {
  _id: string;
  holder: string;
  runId: string;
  since: Date;
  /** Set when this lock replaced one whose run had closed, so a retried acquire still reports the takeover. */
  takenOverFrom?: LockHolder;
}

interface TakeoverDoc {
  _id: string;
  model: string;
  from: LockHolder;
  by: LockHolder;
  at: Date;
}

export type AcquireResult =
  | { acquired: true; holder: string; takenOverFrom?: LockHolder }
  | { acquired: false; holder: string; holderRunId: string };

/** Tells whether a workflow run is closed (completed, failed, terminated, timed out, or unknown to the server). */
export type IsClosed = (holder: LockHolder) => Promise<boolean>;

/**
 * One rollout per model. The lock is a document under the model's name: inserting it is the compare-and-set. A
 * holder that closed without releasing (terminated, or failed past its `finally`) would block the model forever, so
 * a lock whose run is closed is taken over. Only the writer that wins the takeover record for that run may delete
 * the stale lock, so two takers can never delete each other's fresh lock.
 */
export function createRolloutLocks(db: Db, isClosed?: IsClosed) {
  const locks = db.collection<LockDoc>(ROLLOUT_LOCKS);
  const takeovers = db.collection<TakeoverDoc>(ROLLOUT_LOCK_TAKEOVERS);

  async function insert(model: string, me: LockHolder, takenOverFrom?: LockHolder): Promise<boolean> {
    try {
      await locks.insertOne({ _id: model, holder: me.workflowId, runId: me.runId, since: new Date(), ...(takenOverFrom ? { takenOverFrom } : {}) });
      return true;
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err;
      return false;
    }
  }

  async function takeOver(model: string, stale: LockDoc, me: LockHolder): Promise<boolean> {
    const from = { workflowId: stale.holder, runId: stale.runId };
    try {
      await takeovers.insertOne({ _id: `${model}:${stale.runId}`, model, from, by: me, at: new Date() });
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err;
      // Someone else won this takeover, unless it was this run on an earlier attempt.
      const won = await takeovers.findOne({ _id: `${model}:${stale.runId}` });
      if (won?.by.runId !== me.runId) return false;
    }
    await locks.deleteOne({ _id: model, holder: stale.holder, runId: stale.runId });
    return insert(model, me, from);
  }

  return {
    async acquire(model: string, me: LockHolder): Promise<AcquireResult> {
      let lock: LockDoc | null = null;
      // A lock released between the insert and the read is simply tried again.
      while (!lock) {
        if (await insert(model, me)) return { acquired: true, holder: me.workflowId };
        lock = await locks.findOne({ _id: model });
      }
      if (lock.holder === me.workflowId && lock.runId === me.runId) {
        return { acquired: true, holder: me.workflowId, ...(lock.takenOverFrom ? { takenOverFrom: lock.takenOverFrom } : {}) };
      }
      const stale = { workflowId: lock.holder, runId: lock.runId };
      if (isClosed && lock.runId && (await isClosed(stale)) && (await takeOver(model, lock, me))) {
        return { acquired: true, holder: me.workflowId, takenOverFrom: stale };
      }
      return { acquired: false, holder: lock.holder, holderRunId: lock.runId };
    },

    async release(model: string, me: LockHolder): Promise<void> {
      await locks.deleteOne({ _id: model, holder: me.workflowId, runId: me.runId });
    },

    async holder(model: string): Promise<(LockHolder & { since: Date }) | null> {
      const lock = await locks.findOne({ _id: model });
      return lock ? { workflowId: lock.holder, runId: lock.runId, since: lock.since } : null;
    },
  };
}

export type RolloutLocks = ReturnType<typeof createRolloutLocks>;
