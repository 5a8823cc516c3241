import type { SignalDefinition, UpdateDefinition } from '@temporalio/common';
import { condition, setHandler } from '@temporalio/workflow';
import {
  abortSignal,
  abortUpdate,
  approveSignal,
  approveUpdate,
  decisionSchema,
  operatorActionSchema,
  pauseSignal,
  pauseUpdate,
  promoteSignal,
  promoteUpdate,
  rejectSignal,
  rejectUpdate,
  resumeSignal,
  resumeUpdate,
  rollbackSignal,
  rollbackUpdate,
  type ActionAnswer,
  type DecisionInput,
  type OperatorAction,
  type OperatorActionKind,
} from '../../src/contracts/messages';
import { ACTION_EFFECTS, refusalOf } from '../../src/policy/operator-actions';
import { describeIssues, formatIssues } from '../../src/validation/issues';
import { updateValidator } from '../common/update-validator';
import type { IdentityVerdict } from '../../src/contracts/identity';
import { identityRefusal } from './decisions';
import type { PipelineRun } from './pipeline-run';

type Via = 'update' | 'signal';

/**
 * A decision takes its place on arrival and waits for its turn: judged by the approval if one is awaited, refused at
 * once as out of turn if not. A signed one is judged once its signature is checked; those after it wait, so decisions
 * are judged in the order they came.
 */
async function receiveDecision(run: PipelineRun, decision: 'approve' | 'reject', input: DecisionInput): Promise<ActionAnswer> {
  const { controls } = run;
  const parsed = decisionSchema.safeParse(input);
  const signature = parsed.success ? parsed.data.signature : undefined;
  const index = controls.receive(decision, input, signature ? undefined : null);
  if (signature) controls.decisions[index].identity = await run.prove(decision, parsed.data!.approver, parsed.data!.comment, signature);
  if (!controls.awaitingApproval) await run.refuseOutOfTurn();
  await condition(() => controls.answers.has(index));
  const record = controls.answers.get(index)!;
  if (!record.accepted) return { accepted: false, reason: record.reason ?? 'refused' };
  return { accepted: true, reason: decision === 'approve' ? `approval by ${record.approver} counted` : `rejected by ${record.approver}: the pipeline ends as rejected` };
}

/**
 * An operator action is judged against where the pipeline is, carried out or refused, and audited either way; actions
 * are judged in the order they came, each after the signature checks of those before it.
 */
async function receiveAction(run: PipelineRun, kind: OperatorActionKind, input: OperatorAction, via: Via): Promise<ActionAnswer> {
  const { controls } = run;
  const n = ++controls.actions;
  const parsed = operatorActionSchema.safeParse(input);
  const actor = parsed.success ? parsed.data.actor.trim() : typeof input?.actor === 'string' ? input.actor.trim() : '';
  const reason = parsed.success ? parsed.data.reason : '';
  const proving = parsed.success && parsed.data.signature ? run.prove(kind, actor, reason, parsed.data.signature) : null;
  return controls.inTurn(async () => judgeAction(run, { n, kind, via, actor, reason, parsed: parsed.success ? null : parsed.error, identity: proving ? await proving : null }));
}

interface ReceivedAction {
  n: number;
  kind: OperatorActionKind;
  via: Via;
  actor: string;
  reason: string;
  /** What is wrong with a malformed action, or null. */
  parsed: Parameters<typeof describeIssues>[0] | null;
  identity: IdentityVerdict | null;
}

async function judgeAction(run: PipelineRun, { n, kind, via, actor, reason, parsed, identity }: ReceivedAction): Promise<ActionAnswer> {
  const { controls, state } = run;
  const refusal = parsed
    ? formatIssues(describeIssues(parsed, `a ${kind} request`))
    : (identityRefusal(identity, run.requireSignatures, `${kind} request`) ?? refusalOf(kind, { status: state.status, promoteBy: controls.promote?.actor ?? null, stop: controls.stop }));
  if (!refusal) {
    if (kind === 'pause' || kind === 'resume') controls.paused = kind === 'pause';
    else if (kind === 'promote') controls.promote = { actor, reason };
    else controls.stop = { kind, actor, reason };
  }
  await run.recordAction(`operator:${n}:${kind}`, kind, actor, { reason, via, ...(refusal ? { refusal } : {}), ...(identity ? { identity } : {}) }, refusal === null);
  return refusal ? { accepted: false, reason: refusal } : { accepted: true, reason: ACTION_EFFECTS[kind] };
}

const DECISIONS: [UpdateDefinition<ActionAnswer, [DecisionInput]>, SignalDefinition<[DecisionInput]>, 'approve' | 'reject'][] = [
  [approveUpdate, approveSignal, 'approve'],
  [rejectUpdate, rejectSignal, 'reject'],
];

const ACTIONS: [UpdateDefinition<ActionAnswer, [OperatorAction]>, SignalDefinition<[OperatorAction]>, OperatorActionKind][] = [
  [pauseUpdate, pauseSignal, 'pause'],
  [resumeUpdate, resumeSignal, 'resume'],
  [promoteUpdate, promoteSignal, 'promote'],
  [abortUpdate, abortSignal, 'abort'],
  [rollbackUpdate, rollbackSignal, 'rollback'],
];

/**
 * How people act on a running pipeline. Each decision and operator action comes as an Update, which answers its caller
 * at once, or as a signal, for the stock `temporal workflow signal`, which answers nobody. Both are judged and audited
 * alike; only an Update's malformed input is turned away by its validator before it enters the history.
 */
export function installHandlers(run: PipelineRun): void {
  for (const [update, signal, decision] of DECISIONS) {
    setHandler(update, (input) => receiveDecision(run, decision, input), { validator: updateValidator(decisionSchema, 'a decision') });
    setHandler(signal, async (input) => void (await receiveDecision(run, decision, input)));
  }
  for (const [update, signal, kind] of ACTIONS) {
    setHandler(update, (input) => receiveAction(run, kind, input, 'update'), { validator: updateValidator(operatorActionSchema, `a ${kind} request`) });
    setHandler(signal, async (input) => void (await receiveAction(run, kind, input, 'signal')));
  }
}
