import {
  ApplicationFailure,
  CancellationScope,
  isCancellation,
  patched,
  sleep,
  workflowInfo,
} from '@temporalio/workflow';
import type { GateEvidence, GateName } from '../../src/contracts/evidence';
import { FailureType } from '../../src/contracts/failures';
import type { ApprovalRecord, KpiCheck, Outcome } from '../../src/contracts/messages';
import type { VersionRef } from '../../src/contracts/monitoring';
import type { IngestSummary, NotifyInput, PipelineOutcomeDoc, PipelineRef, RouteSnapshot } from '../../src/contracts/pipeline-activities';
import type { PipelineSpec, PipelineSpecInput, Stage } from '../../src/contracts/pipeline-spec';
import { durationMs } from '../../src/contracts/primitives';
import { backgroundMail, evaluation, snapshot, stepActivities, type StepActivities } from './activity-options';
import { awaitApproval } from './approval';
import { refuseDecision } from './decisions';
import { Background } from './background';
import { Controls } from './controls';
import { approvalRequested, awaitingDecision, simple, verdictLines } from './notifications';
import { runRollout } from './rollout';
import { allSettledOrThrow, Saga, uninterrupted } from './saga';
import { stepKey } from './step-key';
import { PipelineState } from './state';

export interface DeployModelResult {
  outcome: Outcome;
  pipelineId: string;
  reportPath?: string;
  rollbackDocumentPath?: string;
}

const GATES: GateName[] = ['validation', 'scenarios', 'quality'];

function gateFailure(evidence: GateEvidence): string {
  return `${evidence.gate} gate failed: ${evidence.checks.filter((c) => c.verdict === 'fail').map((c) => c.summary).join('; ')}`;
}

/**
 * The deployment pipeline: ingest, offline gates, durable approval, staged rollout with monitoring windows, and
 * promotion; or, on any failure, rejection or cancellation, every change undone in reverse so production is exactly
 * as it was.
 */
export async function deployModelWorkflow(input: PipelineSpecInput): Promise<DeployModelResult> {
  const steps = stepActivities();
  // Steps that do not depend on each other run together, each pair saving a round trip through the workflow.
  const together = patched('independent-steps-together');
  const { io } = steps;
  const pipelineId = workflowInfo().workflowId;
  const ref: PipelineRef = { pipelineId, model: String(input?.model ?? ''), version: String(input?.version ?? '') };
  const state = new PipelineState(ref);
  const controls = new Controls();
  const saga = new Saga();
  const actor = `pipeline:${pipelineId}`;
  let spec: PipelineSpec | undefined;
  let versionStatus = 'registered';
  let committed = false;
  let lockHeld = false;

  const audit = (key: string, type: string, outcome: 'success' | 'failure' | 'refused', evidence?: Record<string, unknown>, who = actor) =>
    io.audit({ ref, key: stepKey(ref, key), type, actor: who, outcome, evidence });
  const notify = (key: string, mail: Omit<NotifyInput, 'key'>) =>
    steps.mail.notify({ ...mail, key: stepKey(ref, `mail:${key}`) });
  const mails = new Background();
  /**
   * The audit record is part of the rollout's order; its mail, under the patch, goes out while the rollout moves on.
   * That mail is an ordinary activity: a local one still running while later local activities complete is resolved
   * in another order on replay than it was live, and the history would no longer replay.
   */
  const auditAndMail = async (record: () => Promise<void>, key: string, mail: Omit<NotifyInput, 'key'>) => {
    if (!together) {
      await Promise.all([record(), notify(key, mail)]);
      return;
    }
    const recorded = record();
    mails.start(backgroundMail.notify({ ...mail, key: stepKey(ref, `mail:${key}`) }));
    await recorded;
  };
  const recordDecision = (r: ApprovalRecord, index: number) =>
    audit(`approval:${index}`, `approval.${r.decision}`, r.accepted ? 'success' : 'refused', { ...r }, `user:${r.approver || 'unknown'}`);
  /** Decisions that came after the approval was settled (or before it was requested, when it never was) are refused
   *  with the reason and audited, never dropped. */
  const refuseOutOfTurn = async (why: string) => {
    while (controls.unjudged) {
      const index = controls.judged++;
      const record = refuseDecision(controls.decisions[index], why);
      state.approval(record);
      await recordDecision(record, index);
    }
  };
  const transition = async (to: string, reason: string) => {
    await uninterrupted(() => io.transitionStatus({ ref, to, key: stepKey(ref, `status:${to}`), actor, reason }));
    versionStatus = to;
  };

  try {
    spec = await io.acceptSpec({ pipelineId, spec: input });
    const s = spec;
    state.step('ingest');
    const ingest: IngestSummary = await evaluation.ingest({ ref, spec: s });
    state.status.champion = ingest.champion?.version ?? null;
    await audit('ingest', 'pipeline.ingested', 'success', { ...ingest });

    await transition('validating', 'offline gates started');
    const recordGate = async (evidence: GateEvidence) => {
      state.evidence.push(evidence);
      await audit(`gate:${evidence.gate}`, `gate.${evidence.gate}`, evidence.pass ? 'success' : 'failure', { pass: evidence.pass, checks: evidence.checks });
    };
    // The gates are independent: run together they cost one round trip instead of three, and a failure no longer
    // hides what the other gates would have said.
    if (patched('concurrent-gates')) {
      state.step('gates');
      const evidence = await Promise.all(GATES.map((gate) => evaluation.runGate({ ref, gate, spec: s, ingest })));
      for (const e of evidence) await recordGate(e);
      const failed = evidence.filter((e) => !e.pass);
      if (failed.length) throw ApplicationFailure.nonRetryable(failed.map(gateFailure).join('; '), FailureType.GateFailed);
    } else {
      for (const gate of GATES) {
        state.step(gate === 'validation' ? 'validate' : gate === 'scenarios' ? 'test' : 'quality');
        const evidence = await evaluation.runGate({ ref, gate, spec: s, ingest });
        await recordGate(evidence);
        if (!evidence.pass) throw ApplicationFailure.nonRetryable(gateFailure(evidence), FailureType.GateFailed);
      }
    }

    await transition('awaiting_approval', 'offline gates passed');
    state.step('awaiting_approval', null);
    controls.awaitingApproval = true;
    const deadline = new Date(Date.now() + durationMs(s.approval.deadline)).toISOString();
    await Promise.all([
      notify('approval-requested', approvalRequested(ref, s, state.evidence, deadline)),
      audit('approval-requested', 'approval.requested', 'success', { approvers: s.approval.approvers, required: s.approval.required, deadline }),
    ]);
    const approval = await awaitApproval({
      spec: s,
      state,
      controls,
      record: recordDecision,
      remind: () => notify('approval-reminder', approvalRequested(ref, s, state.evidence, deadline, true)),
    });
    if (approval.decision !== 'approved') {
      const expired = approval.decision === 'expired';
      const why = expired ? `approval deadline ${s.approval.deadline} passed` : `rejected by ${approval.by}: ${approval.comment}`;
      await audit(expired ? 'approval-expired' : 'approval-rejected', expired ? 'approval.expired' : 'approval.rejected', 'refused', { reason: why });
      throw ApplicationFailure.nonRetryable(why, expired ? 'ApprovalExpired' : 'ApprovalRejected');
    }

    state.step('rollout', null);
    await acquireLock(io, ref, s, state, (from) => audit('lock-taken-over', 'rollout.lock_taken_over', 'success', { from, by: pipelineId }));
    lockHeld = true;
    const rollingOut = () => transition('rolling_out', `approved by ${approval.approvers.join(', ')}`);
    const readBefore = () => snapshot.readRoute({ model: ref.model });
    let before: RouteSnapshot;
    if (together) [, before] = await Promise.all([rollingOut(), readBefore()]);
    else {
      await rollingOut();
      before = await readBefore();
    }
    state.rollout = { stages: s.rollout.stages, routeBefore: before };
    await auditAndMail(
      () => audit('rollout-started', 'rollout.started', 'success', { routeBefore: before, stages: s.rollout.stages }),
      'rollout-started',
      simple(ref, s, 'rollout_started', 'Rollout started', [
        `Approved by ${approval.approvers.join(', ')}. Stages: ${s.rollout.stages.map((st) => `${st.name} ${st.percent}%`).join(', ')}.`,
        `Each stage is watched for ${s.rollout.window}; the bake at 100% lasts ${s.rollout.bake}.`,
      ]),
    );

    await runRollout({
      ref,
      spec: s,
      ingest,
      state,
      saga,
      controls,
      before,
      steps,
      betweenChecks: () => refuseOutOfTurn(`it arrived after the approval was settled (${approval.approvers.join(', ')} approved)`),
      onAwaitingDecision: (label: string, check: KpiCheck | null) =>
        auditAndMail(
          () => audit(`undecided:${label}:${check?.at ?? ''}`, 'rollout.awaiting_decision', 'success', { stage: label, check }),
          `undecided:${label}:${check?.at ?? ''}`,
          awaitingDecision(ref, s, label, check),
        ),
      onStagePassed: (stage: Stage, check: KpiCheck | null) =>
        auditAndMail(
          () => audit(`stage:${stage.name}`, 'rollout.stage_passed', 'success', { stage, check }),
          `stage:${stage.name}`,
          simple(ref, s, 'stage_passed', `Stage ${stage.name} passed`, [
            `${stage.kind === 'shadow' ? 'Shadowed' : 'Served'} ${stage.percent}% of traffic through its monitoring window.`,
            ...(check?.judgement ? verdictLines(check) : check ? check.rules.map((r) => `  ${r.rule}: ${r.value ?? 'n/a'} (threshold ${r.threshold}) ${r.verdict}`) : []),
          ]),
        ),
    });

    state.step('promote', 'full');
    await mails.settle();
    const { previous } = await promote(steps, ref, ingest, before, saga, state, actor);
    await transition('production', 'promoted after the bake window');
    committed = true;
    state.finish('promoted');
    const handOver = async () => {
      if (!patched('monitor-handover')) return;
      await io.handOverMonitoring({
        model: ref.model,
        handover: { champion: { version: ref.version, sha256: ingest.artifactSha256 }, lastKnownGood: previous ? { version: previous.version, sha256: previous.sha256 } : null, by: pipelineId },
      });
    };
    const recordPromotion = () => audit('promoted', 'pipeline.promoted', 'success', { champion: ref.version, previous: previous?.version ?? null });
    let report: { htmlPath: string };
    if (together) {
      // The promotion stands: what is left needs no order, and the next rollout of the model need not wait for the mail.
      [, , report] = await Promise.all([handOver(), recordPromotion(), io.writeReport(state.document(null)), io.releaseRolloutLock({ ref })]);
      lockHeld = false;
    } else {
      await handOver();
      [, report] = await Promise.all([recordPromotion(), io.writeReport(state.document(null))]);
    }
    await notify('completed', simple(ref, s, 'completed', 'Deployed', [
      `${ref.model} ${ref.version} now serves 100% of traffic and is the champion.`,
      `Performance report: ${report.htmlPath}`,
    ]));
    await refuseOutOfTurn('it arrived after the pipeline was promoted');
    return { outcome: 'promoted', pipelineId, reportPath: report.htmlPath };
  } catch (err) {
    if (committed) throw err;
    return await CancellationScope.nonCancellable(() => unwind(err));
  } finally {
    if (lockHeld) await CancellationScope.nonCancellable(() => io.releaseRolloutLock({ ref }));
  }

  async function unwind(err: unknown): Promise<DeployModelResult> {
    const failure = err instanceof ApplicationFailure ? err : (err as { cause?: unknown })?.cause instanceof ApplicationFailure ? ((err as { cause: ApplicationFailure }).cause) : null;
    const type = isCancellation(err) ? 'Cancelled' : (failure?.type ?? 'Error');
    const message = isCancellation(err) ? 'the pipeline was cancelled' : err instanceof Error ? (failure?.message ?? err.message) : String(err);
    const check = type === FailureType.KpiBreach || type === FailureType.Undecided ? ((failure?.details?.[0] as KpiCheck | undefined) ?? null) : null;
    state.step('rolling_back', state.status.stage);
    state.note(`unwinding: ${type}`, message);
    const rolloutStarted = saga.size > 0;
    const records = await saga.compensate((r) => state.compensations.push(r));
    if (rolloutStarted) state.traffic(0, 0);

    const rejected = ['GateFailed', 'ApprovalRejected', 'ApprovalExpired'].includes(type);
    const outcome: Outcome = type === 'ApprovalExpired' ? 'expired' : rejected ? 'rejected' : rolloutStarted || type === 'Cancelled' || type === FailureType.Aborted || type === FailureType.RolledBackByOperator || type === FailureType.KpiBreach ? 'rolled_back' : 'failed';
    const finalStatus = versionStatus === 'rolling_out' ? 'rolled_back' : ['validating', 'awaiting_approval'].includes(versionStatus) ? (rejected ? 'rejected' : 'rolled_back') : null;
    if (finalStatus) {
      await transition(finalStatus, message).catch((e) => state.note('status change failed', String(e)));
    }
    state.finish(outcome, message);
    await audit('unwound', `pipeline.${outcome}`, 'failure', { type, message, compensations: records, check });
    const doc: PipelineOutcomeDoc = state.document({ type, message, check });
    const { path } = await io.writeRollbackDocument(doc);
    await mails.settle().catch((e: unknown) => state.note('a stage mail could not be sent', String(e)));
    if (spec) {
      const kind = rejected ? 'rejected' : 'rolled_back';
      await notify('unwound', simple(ref, spec, kind, rejected ? (type === 'ApprovalExpired' ? 'Approval expired' : 'Rejected') : 'Rolled back', [
        `Why: ${message}`,
        ...(check ? verdictLines(check) : []),
        rolloutStarted ? 'Every change was undone in reverse:' : 'Production was not changed.',
        ...records.map((r) => `  ${r.outcome === 'done' ? '✔' : '✘'} ${r.description}${r.error ? ` (${r.error})` : ''}`),
        `Rollback document: ${path}`,
      ]));
    }
    await refuseOutOfTurn(`it arrived after the pipeline had ended (${outcome})`);
    if (outcome === 'rejected' || outcome === 'expired') return { outcome, pipelineId, rollbackDocumentPath: path };
    // The failure itself, not the activity wrapper, is what people read in the Web UI.
    throw failure && !isCancellation(err) ? failure : err;
  }
}

/** One rollout per model: a second pipeline for the same model waits here, durably, until the first one ends. */
async function acquireLock(
  io: StepActivities['io'],
  ref: PipelineRef,
  spec: PipelineSpec,
  state: PipelineState,
  recordTakeover: (from: { workflowId: string; runId: string }) => Promise<void>,
): Promise<void> {
  let waitingOn: string | null = null;
  for (;;) {
    const { acquired, holder, takenOverFrom } = await io.acquireRolloutLock({ ref });
    if (acquired && takenOverFrom) {
      state.note(`took over the rollout lock of ${takenOverFrom.workflowId}, which closed without releasing it`);
      await recordTakeover(takenOverFrom);
    }
    if (acquired) return;
    if (holder !== waitingOn) state.note(`waiting for ${holder} to finish its rollout of ${ref.model}`);
    waitingOn = holder;
    await sleep(durationMs(spec.rollout.checkInterval));
  }
}

/**
 * Moves champion to the candidate and last-known-good to the champion it replaces, both from what the registry holds
 * now (a monitor may have rolled back since ingest), and the route to 100%. Each move's compensation is pushed first,
 * and both moves settle before anything can be undone.
 */
async function promote(
  { io, routing }: StepActivities,
  ref: PipelineRef,
  ingest: IngestSummary,
  before: RouteSnapshot,
  saga: Saga,
  state: PipelineState,
  actor: string,
): Promise<{ previous: VersionRef | null }> {
  const { champion: previous, lastKnownGood } = await snapshot.readAliases({ model: ref.model });
  const was = { champion: previous?.version ?? null, lastKnownGood: lastKnownGood?.version ?? null };
  state.note('aliases before promotion', `champion ${was.champion ?? '(unset)'}, last-known-good ${was.lastKnownGood ?? '(unset)'}`);
  const move = (alias: 'champion' | 'last-known-good', to: string | null, expected: string | null, key: string, reason: string) =>
    uninterrupted(() => io.moveAlias({ ref, alias, to, expected, key: stepKey(ref, key), actor, reason }));
  saga.add(stepKey(ref, 'restore-champion'), `move champion back to ${was.champion ?? 'none'}`, () =>
    move('champion', was.champion, ref.version, 'restore-champion', 'rollback'),
  );
  const moves = [move('champion', ref.version, was.champion, 'champion', 'promoted')];
  if (was.champion) {
    saga.add(stepKey(ref, 'restore-last-known-good'), `move last-known-good back to ${was.lastKnownGood ?? 'none'}`, () =>
      move('last-known-good', was.lastKnownGood, was.champion, 'restore-last-known-good', 'rollback'),
    );
    moves.push(move('last-known-good', was.champion, was.lastKnownGood, 'last-known-good', `previous champion, replaced by ${ref.version}`));
  }
  await allSettledOrThrow(moves);
  const { generation } = await uninterrupted(() =>
    routing.applyRoute({
      ref,
      key: stepKey(ref, 'route:promoted'),
      spec: { ...before.spec, stable: { version: ref.version, sha256: ingest.artifactSha256 }, candidate: null, shadow: null },
      actor,
      reason: 'promoted',
    }),
  );
  state.traffic(100, 0);
  state.note(`promoted: generation ${generation} serves ${ref.version} as stable`);
  return { previous };
}
