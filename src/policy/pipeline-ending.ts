import { FailureType } from '../contracts/failures';
import type { Outcome } from '../contracts/messages';

/** What the pipeline knew when it stopped short of a promotion. */
export interface EndingFacts {
  /** The failure type that stopped it, `Cancelled` for a cancellation, `Error` for anything unnamed. */
  type: string;
  /** Whether the rollout had changed anything in production (the saga held steps to undo). */
  rolloutStarted: boolean;
  /** The version's registry status when the pipeline stopped. */
  versionStatus: string;
  /** Whether every compensation ran. */
  undoneCleanly: boolean;
}

export interface Ending {
  outcome: Exclude<Outcome, 'running' | 'promoted'>;
  /** Where the version moves in the registry, or null when it never left `registered` or already settled. */
  finalStatus: 'rolled_back' | 'rejected' | null;
  /** `rerun`: the mail tells how to run the same version again (the gates could not judge it). */
  mail: { kind: 'rejected' | 'rolled_back'; subject: string; rerun: boolean };
  /**
   * Whether the workflow completes with its outcome: a decision taken and carried out (a rejection, an expiry, a
   * rollback that put production back). Otherwise it fails, so the Web UI shows what could not be done.
   */
  completes: boolean;
}

const REJECTIONS: readonly string[] = [FailureType.GateFailed, FailureType.ApprovalRejected, FailureType.ApprovalExpired];
const ROLLBACKS: readonly string[] = ['Cancelled', FailureType.Aborted, FailureType.RolledBackByOperator, FailureType.KpiBreach, FailureType.Undecided];

/** The one mapping from why a pipeline stopped to its outcome, registry status, mail and workflow result. */
export function pipelineEnding(f: EndingFacts): Ending {
  const rejected = REJECTIONS.includes(f.type);
  const inconclusive = f.type === FailureType.GateInconclusive;
  const outcome: Ending['outcome'] =
    f.type === FailureType.ApprovalExpired
      ? 'expired'
      : rejected
        ? 'rejected'
        : inconclusive
          ? 'inconclusive'
          : f.rolloutStarted || ROLLBACKS.includes(f.type)
            ? 'rolled_back'
            : 'failed';
  // Not rejected: rolled_back is the status a later pipeline for the same version may start from.
  const finalStatus =
    f.versionStatus === 'rolling_out' ? 'rolled_back' : ['validating', 'awaiting_approval'].includes(f.versionStatus) ? (rejected ? 'rejected' : 'rolled_back') : null;
  const subject = outcome === 'expired' ? 'Approval expired' : rejected ? 'Rejected' : inconclusive ? 'Gates inconclusive, run it again' : 'Rolled back';
  // An inconclusive run fails the workflow: a failed pipeline's id may be started again, a completed one's may not.
  const completes = rejected || (outcome === 'rolled_back' && f.type !== 'Cancelled' && f.undoneCleanly);
  return { outcome, finalStatus, mail: { kind: rejected ? 'rejected' : 'rolled_back', subject, rerun: inconclusive }, completes };
}
