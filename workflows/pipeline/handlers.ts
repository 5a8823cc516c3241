import type { SignalDefinition, UpdateDefinition } from '@temporalio/common';
import { condition, setHandler } from '@temporalio/workflow';
import { approveSignal, approveUpdate, decisionSchema, rejectSignal, rejectUpdate, type ActionAnswer, type DecisionInput } from '../../src/contracts/messages';
import { ACTION_EFFECTS, refusalOf } from '../../src/policy/operator-actions';
import { installOperatorActions } from '../common/operator-actions';
import { updateValidator } from '../common/update-validator';
import type { PipelineRun } from './pipeline-run';

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

const DECISIONS: [UpdateDefinition<ActionAnswer, [DecisionInput]>, SignalDefinition<[DecisionInput]>, 'approve' | 'reject'][] = [
  [approveUpdate, approveSignal, 'approve'],
  [rejectUpdate, rejectSignal, 'reject'],
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
  const { controls, state } = run;
  installOperatorActions({
    prove: (kind, actor, reason, signature) => run.prove(kind, actor, reason, signature),
    requireSignatures: () => run.requireSignatures,
    // Paused or not is what was last accepted, which the window shows only once it acts on it.
    refusalOf: (kind) => refusalOf(kind, { status: { ...state.status, paused: controls.paused }, promoteBy: controls.promote?.actor ?? null, stop: controls.stop }),
    carryOut(kind, actor, reason) {
      if (kind === 'pause' || kind === 'resume') controls.paused = kind === 'pause';
      else if (kind === 'promote') controls.promote = { actor, reason };
      else controls.stop = { kind, actor, reason };
    },
    effectOf: (kind) => ACTION_EFFECTS[kind],
    record: (n, kind, actor, evidence, accepted) => run.recordAction(`operator:${n}:${kind}`, kind, actor, evidence, accepted),
  });
}
