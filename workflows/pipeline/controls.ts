import type { IdentityVerdict } from '../../src/contracts/identity';
import type { ApprovalRecord, DecisionInput, OperatorAction } from '../../src/contracts/messages';
import type { ReceivedDecision } from './decisions';

export interface StopRequest {
  kind: 'abort' | 'rollback';
  actor: string;
  reason: string;
}

/** What people asked of the pipeline, by Update or by signal; the workflow's loops read it between steps. */
export class Controls {
  paused = false;
  promote: OperatorAction | null = null;
  stop: StopRequest | null = null;
  readonly decisions: ReceivedDecision[] = [];
  /** Whether an approval is being awaited now; every decision is stamped with it on arrival. */
  awaitingApproval = false;
  /** How many of the decisions have been judged. */
  judged = 0;
  /** Each decision's record once judged and audited, by its place in `decisions`: what its caller is answered. */
  readonly answers = new Map<number, ApprovalRecord>();
  /** Signatures checked so far: numbers each check, so a retried one is known as the same use of its nonce. */
  proofs = 0;


  /** Whether the next decision in line may be judged: it arrived, and its signature, if any, has been checked. */
  get unjudged(): boolean {
    return this.judged < this.decisions.length && this.decisions[this.judged].identity !== undefined;
  }

  /** Queues a decision to be judged; returns its place. `identity` is undefined while its signature is being checked. */
  receive(decision: 'approve' | 'reject', input: DecisionInput, identity: IdentityVerdict | null | undefined): number {
    return this.decisions.push({ decision, input, identity, at: new Date().toISOString(), awaiting: this.awaitingApproval }) - 1;
  }
}
