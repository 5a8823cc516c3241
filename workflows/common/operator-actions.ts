import type { SignalDefinition, UpdateDefinition } from '@temporalio/common';
import { setHandler } from '@temporalio/workflow';
import type { IdentityVerdict, Signature } from '../../src/contracts/identity';
import {
  abortSignal,
  abortUpdate,
  operatorActionSchema,
  pauseSignal,
  pauseUpdate,
  promoteSignal,
  promoteUpdate,
  resumeSignal,
  resumeUpdate,
  rollbackSignal,
  rollbackUpdate,
  type ActionAnswer,
  type OperatorAction,
  type OperatorActionKind,
} from '../../src/contracts/messages';
import { describeIssues, formatIssues } from '../../src/validation/issues';
import { identityRefusal } from '../../src/policy/identity-refusal';
import { Turns } from './turns';
import { updateValidator } from './update-validator';

/** What a workflow that takes operator actions (a pipeline, a monitor) decides for itself. */
export interface ActionHost {
  /** Checks a signature; called as the action arrives, so checks overlap while actions are still judged in order. */
  prove(kind: OperatorActionKind, actor: string, reason: string, signature: Signature): Promise<IdentityVerdict>;
  requireSignatures(): boolean;
  /** Why the action cannot be carried out now, or null when it can. */
  refusalOf(kind: OperatorActionKind): string | null;
  carryOut(kind: OperatorActionKind, actor: string, reason: string): void;
  /** What an accepted action does, as its caller is told. */
  effectOf(kind: OperatorActionKind): string;
  /** Audits the action, accepted or refused; its number keys the audit record. */
  record(n: number, kind: OperatorActionKind, actor: string, evidence: Record<string, unknown>, accepted: boolean): Promise<void>;
}

const ACTIONS: [UpdateDefinition<ActionAnswer, [OperatorAction]>, SignalDefinition<[OperatorAction]>, OperatorActionKind][] = [
  [pauseUpdate, pauseSignal, 'pause'],
  [resumeUpdate, resumeSignal, 'resume'],
  [promoteUpdate, promoteSignal, 'promote'],
  [abortUpdate, abortSignal, 'abort'],
  [rollbackUpdate, rollbackSignal, 'rollback'],
];

/**
 * Pause, resume, promote, abort and rollback, each as an Update that answers its caller at once and as a signal for
 * the stock `temporal workflow signal`. Each is proven by its signature where one is required, judged against where the
 * workflow is, carried out or refused, and audited either way, in the order the actions came.
 */
export function installOperatorActions(host: ActionHost): void {
  const turns = new Turns();
  let received = 0;
  async function receive(kind: OperatorActionKind, input: OperatorAction, via: 'update' | 'signal'): Promise<ActionAnswer> {
    const n = ++received;
    const parsed = operatorActionSchema.safeParse(input);
    const actor = parsed.success ? parsed.data.actor.trim() : typeof input?.actor === 'string' ? input.actor.trim() : '';
    const reason = parsed.success ? parsed.data.reason : '';
    const proving = parsed.success && parsed.data.signature ? host.prove(kind, actor, reason, parsed.data.signature) : null;
    return turns.take(async () => {
      const identity = proving ? await proving : null;
      const refusal = parsed.success
        ? (identityRefusal(identity, host.requireSignatures(), `${kind} request`) ?? host.refusalOf(kind))
        : formatIssues(describeIssues(parsed.error, `a ${kind} request`));
      if (!refusal) host.carryOut(kind, actor, reason);
      await host.record(n, kind, actor, { reason, via, ...(refusal ? { refusal } : {}), ...(identity ? { identity } : {}) }, refusal === null);
      return refusal ? { accepted: false, reason: refusal } : { accepted: true, reason: host.effectOf(kind) };
    });
  }
  for (const [update, signal, kind] of ACTIONS) {
    setHandler(update, (input) => receive(kind, input, 'update'), { validator: updateValidator(operatorActionSchema, `a ${kind} request`) });
    setHandler(signal, async (input) => void (await receive(kind, input, 'signal')));
  }
}
