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
  readonly actions: { signal: string; actor: string; reason: string; at: string }[] = [];

  /** Whether decisions arrived that nobody has judged yet. */
  get unjudged(): boolean {
    return this.judged < this.decisions.length;
  }

  constructor() {
    const at = () => new Date().toISOString();
    const log = (signal: string, a: OperatorAction) =>
      this.actions.push({ signal, actor: String(a?.actor ?? ''), reason: String(a?.reason ?? ''), at: at() });
    setHandler(approveSignal, (input) => void this.decisions.push({ decision: 'approve', input, at: at(), awaiting: this.awaitingApproval }));
    setHandler(rejectSignal, (input) => void this.decisions.push({ decision: 'reject', input, at: at(), awaiting: this.awaitingApproval }));
    setHandler(pauseSignal, (a) => {
      log('pause', a);
      this.paused = true;
    });
    setHandler(resumeSignal, (a) => {
      log('resume', a);
      this.paused = false;
    });
    setHandler(promoteSignal, (a) => {
      log('promote', a);
      this.promote = a;
    });
    setHandler(abortSignal, (a) => {
      log('abort', a);
      this.stop ??= { kind: 'abort', actor: String(a?.actor ?? 'unknown'), reason: String(a?.reason ?? '') };
    });
    setHandler(rollbackSignal, (a) => {
      log('rollback', a);
      this.stop ??= { kind: 'rollback', actor: String(a?.actor ?? 'unknown'), reason: String(a?.reason ?? '') };
    });
  }
}
