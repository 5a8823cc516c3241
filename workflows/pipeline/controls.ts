import { setHandler } from '@temporalio/workflow';
import {
  abortSignal,
  approveSignal,
  pauseSignal,
  promoteSignal,
  rejectSignal,
  resumeSignal,
  rollbackSignal,
  type OperatorAction,
} from '../../src/contracts/messages';
import type { ReceivedDecision } from './decisions';

export interface StopRequest {
  kind: 'abort' | 'rollback';
  actor: string;
  reason: string;
}

/** What operators asked for by signal; the workflow's loops read it between steps. */
export class Controls {
  paused = false;
  promote: OperatorAction | null = null;
  stop: StopRequest | null = null;
  readonly decisions: ReceivedDecision[] = [];
  /** Whether an approval is being awaited now; every decision is stamped with it on arrival. */
  awaitingApproval = false;
  /** How many of the decisions have been judged and audited. */
  judged = 0;

  /** Whether decisions arrived that nobody has judged yet. */
  get unjudged(): boolean {
    return this.judged < this.decisions.length;
  }

  constructor() {
    const at = () => new Date().toISOString();
    setHandler(approveSignal, (input) => void this.decisions.push({ decision: 'approve', input, at: at(), awaiting: this.awaitingApproval }));
    setHandler(rejectSignal, (input) => void this.decisions.push({ decision: 'reject', input, at: at(), awaiting: this.awaitingApproval }));
    setHandler(pauseSignal, () => {
      this.paused = true;
    });
    setHandler(resumeSignal, () => {
      this.paused = false;
    });
    setHandler(promoteSignal, (a) => {
      this.promote = a;
    });
    setHandler(abortSignal, (a) => {
      this.stop ??= { kind: 'abort', actor: String(a?.actor ?? 'unknown'), reason: String(a?.reason ?? '') };
    });
    setHandler(rollbackSignal, (a) => {
      this.stop ??= { kind: 'rollback', actor: String(a?.actor ?? 'unknown'), reason: String(a?.reason ?? '') };
    });
  }
}
