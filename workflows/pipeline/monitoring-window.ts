import { ApplicationFailure, condition } from '@temporalio/workflow';
import { FailureType } from '../../src/contracts/failures';
import type { KpiCheck } from '../../src/contracts/messages';
import type { StageChecks } from '../../src/contracts/pipeline-activities';
import type { PipelineSpec, Stage } from '../../src/contracts/pipeline-spec';
import { durationMs } from '../../src/contracts/primitives';
import type { JudgedKpi } from '../../src/contracts/verdicts';
import { awaitingDecision } from '../../src/notify/mail-texts/pipeline';
import { stageLabel } from '../../src/temporal/workflow-descriptions';
import { describeJudgement, describeRollback } from '../../src/verdicts/describe';
import { checkAction, extensionOf, holdsCandidateData, undecidedAction } from '../../src/verdicts/stage-decision';
import type { Controls } from './controls';
import { Deadline } from './deadline';
import type { PipelineRun } from './pipeline-run';

/** What the rollout has judged so far: every stage's checks, kept so each check judges the whole rollout. */
export class RolloutRecord {
  readonly stages: StageChecks[] = [];
  constructor(readonly kpis: JudgedKpi[]) {}
}

export interface WindowContext {
  run: PipelineRun;
  spec: PipelineSpec;
  /** The stable version the candidate is compared with, if any. */
  stable: string | null;
  record: RolloutRecord;
}

export interface Window {
  stage: Stage;
  /** Unique within the rollout: the bake is judged as a stage of its own. */
  label: string;
  ms: number;
  /** The bake: what it ends in is a promotion, so it needs proof. */
  final: boolean;
}

function stopFailure(controls: Controls): ApplicationFailure {
  const stop = controls.stop!;
  const type = stop.kind === 'abort' ? FailureType.Aborted : FailureType.RolledBackByOperator;
  return ApplicationFailure.nonRetryable(`${stop.kind} requested by ${stop.actor}${stop.reason ? `: ${stop.reason}` : ''}`, type);
}

function breachFailure(w: Window, check: KpiCheck): ApplicationFailure {
  const reasons = check.judgement
    ? describeRollback(check.judgement)
    : check.rules.filter((r) => r.verdict === 'breach').map((r) => `${r.rule} ${r.value} vs ${r.threshold}`).join(', ');
  return ApplicationFailure.nonRetryable(`KPI breach at ${w.label}: ${reasons}`, FailureType.KpiBreach, check);
}

/**
 * Why the rollout waits, for whoever reads the audit log rather than the mail: the stage, the reason, each KPI (or
 * thresholds rule) with its figures and verdict, and the check itself.
 */
function waitingEvidence(label: string, check: KpiCheck | null): Record<string, unknown> {
  const kpis = !check ? [] : check.judgement ? describeJudgement(check.judgement) : check.rules.map((r) => `${r.rule}: ${r.value ?? 'n/a'} (threshold ${r.threshold}) ${r.verdict}`);
  const reason = `the ${label} window and its extension ended without the evidence to promote or roll back; traffic stays as it is until a person promotes, resumes or rolls back`;
  return { stage: label, reason, kpis, check };
}

/** A window ended, and its extension too, without proof: audited, and mailed while the checks go on. */
function awaitDecision(ctx: WindowContext, label: string, check: KpiCheck | null): Promise<void> {
  const { run } = ctx;
  const key = `undecided:${label}:${check?.at ?? ''}`;
  return run.auditAndMail(() => run.audit(key, 'rollout.awaiting_decision', 'success', waitingEvidence(label, check)), key, awaitingDecision(run.ref, ctx.spec, label, check));
}

/**
 * One monitoring window: every check interval the rollout is judged, and a breach ends it at once. A pause holds the
 * window open without holding traffic back, so the checks go on while paused and a breach still rolls back; paused
 * time does not count towards the window. A window that ends without the evidence it needs is extended once, then
 * does what the spec says: waits for a person (a resume extends it again) or rolls back.
 */
export async function watchWindow(ctx: WindowContext, w: Window): Promise<KpiCheck | null> {
  const { run, spec, record } = ctx;
  const { controls, state } = run;
  const interval = durationMs(spec.rollout.checkInterval);
  const extendBy = extensionOf(spec.rollout);
  const extendMs = durationMs(extendBy);
  const openedAt = Date.now();
  const checks: StageChecks = { label: w.label, kind: w.stage.kind, percent: w.stage.percent, fromMs: openedAt, checkTimes: [] };
  record.stages.push(checks);
  // The window's end is a timer, held while paused: how much is left is a duration, never a branch on the clock.
  const windowEnd = new Deadline(`monitoring window ${stageLabel({ ...w.stage, name: w.label })}`);
  let left = w.ms;
  let runningSince = Date.now();
  windowEnd.start(left);
  let extended = false;
  let awaitingPerson = false;
  // The pause the window last acted on. A pause or resume may arrive at any moment, a check in flight included, so
  // the window compares with what it last acted on, never with a reading taken at the top of the loop.
  let held = controls.paused;
  if (held) windowEnd.stop();
  // A pause or resume accepted between windows (while a route was being confirmed) is shown from the window on.
  if (state.status.paused !== held) state.paused(held);
  let checksWithData = 0;
  let last: KpiCheck | null = null;
  const restart = (ms: number) => {
    windowEnd.passed = false;
    left = ms;
    runningSince = Date.now();
    windowEnd.start(ms);
  };
  try {
    for (;;) {
      await condition(() => controls.stop !== null || controls.promote !== null || controls.paused !== held || (!held && windowEnd.passed), interval, { summary: `next check at ${w.label}` });
      if (controls.stop) throw stopFailure(controls);
      if (controls.paused !== held) {
        held = controls.paused;
        state.paused(held);
        if (!held && awaitingPerson) {
          awaitingPerson = false;
          state.note(`${w.label}: resumed without proof; the window is extended by ${extendBy}`);
          restart(extendMs);
        } else if (!windowEnd.passed && held) {
          windowEnd.stop();
          left -= Date.now() - runningSince;
        } else if (!windowEnd.passed) {
          runningSince = Date.now();
          windowEnd.start(left);
        }
        continue;
      }
      const toMs = Date.now();
      checks.checkTimes.push(toMs);
      last = await run.steps.checking(`KPI check ${stageLabel({ ...w.stage, name: w.label })}`).checkKpis({
        ref: run.ref,
        stage: w.stage,
        candidate: run.ref.version,
        stable: ctx.stable,
        fromMs: openedAt,
        toMs,
        thresholds: spec.rollout.thresholds,
        judge: spec.rollout.judge,
        stages: record.stages,
        kpis: record.kpis,
      });
      state.check(last);
      if (holdsCandidateData(last, w.stage)) checksWithData++;
      const action = checkAction(last, { stage: w.stage, final: w.final, windowEnded: !controls.paused && windowEnd.passed, checksWithData });
      if (action === 'rollback') throw breachFailure(w, last);
      if (controls.promote) return last;
      if (controls.paused) continue;
      if (action === 'advance') return last;
      if (action !== 'undecided') continue;
      const next = undecidedAction(spec.rollout.judge, extended);
      if (next === 'rollback') {
        throw ApplicationFailure.nonRetryable(`no evidence at ${w.label}: the window ended undecided and the spec rolls back`, FailureType.Undecided, last);
      }
      if (next === 'extend') {
        extended = true;
        state.note(`${w.label}: window ended undecided; extended by ${extendBy}`);
        restart(extendMs);
        continue;
      }
      awaitingPerson = true;
      controls.paused = held = true;
      state.paused(true);
      state.note(`${w.label}: still undecided after the extension; waiting for a person to promote, resume (extend) or roll back`);
      await awaitDecision(ctx, w.label, last);
    }
  } finally {
    windowEnd.stop();
  }
}
