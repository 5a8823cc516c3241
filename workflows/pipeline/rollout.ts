import { ApplicationFailure, condition } from '@temporalio/workflow';
import { FailureType } from '../../src/contracts/failures';
import type { KpiCheck } from '../../src/contracts/messages';
import type { IngestSummary, PipelineRef, RouteSnapshot, StageChecks } from '../../src/contracts/pipeline-activities';
import type { PipelineSpec, Stage } from '../../src/contracts/pipeline-spec';
import { durationMs } from '../../src/contracts/primitives';
import type { JudgedKpi } from '../../src/contracts/verdicts';
import type { RouteSpec } from '../../src/routing/schemas';
import { describeRollback } from '../../src/verdicts/describe';
import { plannedKpis } from '../../src/verdicts/planned-kpis';
import { checkAction, extensionOf, holdsCandidateData, undecidedAction } from '../../src/verdicts/stage-decision';
import type { StepActivities } from './activity-options';
import type { Controls } from './controls';
import { Deadline } from './deadline';
import { uninterrupted, type Saga } from './saga';
import { stepKey } from './step-key';
import type { PipelineState } from './state';

export interface RolloutContext {
  ref: PipelineRef;
  spec: PipelineSpec;
  ingest: IngestSummary;
  state: PipelineState;
  saga: Saga;
  controls: Controls;
  before: RouteSnapshot;
  steps: StepActivities;
  onStagePassed: (stage: Stage, check: KpiCheck | null) => Promise<void>;
  /** A window ended without the evidence it needs and the rollout now waits for a person. */
  onAwaitingDecision: (label: string, check: KpiCheck | null) => Promise<void>;
  /** Runs before each check: refuses and audits the decisions that arrived since the last one. */
  betweenChecks: () => Promise<void>;
}

export const FULL_STAGE: Stage = { name: 'full', kind: 'traffic', percent: 100 };

export function restoreRouteKey(ref: PipelineRef): string {
  return stepKey(ref, 'restore-route');
}

/** The stages to run: with no stable version yet there is nothing to compare a canary against, so only 100% runs. */
export function plannedStages(spec: PipelineSpec, before: RouteSnapshot): Stage[] {
  if (before.spec.stable) return spec.rollout.stages;
  return [spec.rollout.stages.find((s) => s.kind === 'traffic' && s.percent === 100) ?? FULL_STAGE];
}

function stageRoute(before: RouteSpec, stage: Stage, candidate: { version: string; sha256: string }): RouteSpec {
  if (stage.kind === 'shadow') return { ...before, candidate: null, shadow: { ...candidate, percent: stage.percent } };
  return { ...before, candidate: { ...candidate, percent: stage.percent }, shadow: null };
}

function stopFailure(controls: Controls): ApplicationFailure {
  const stop = controls.stop!;
  const type = stop.kind === 'abort' ? FailureType.Aborted : FailureType.RolledBackByOperator;
  return ApplicationFailure.nonRetryable(`${stop.kind} requested by ${stop.actor}${stop.reason ? `: ${stop.reason}` : ''}`, type);
}

/** What the rollout has judged so far: every stage's checks, kept so each check judges the whole rollout. */
export class RolloutRecord {
  readonly stages: StageChecks[] = [];
  constructor(readonly kpis: JudgedKpi[]) {}
}

interface Window {
  stage: Stage;
  /** Unique within the rollout: the bake is judged as a stage of its own. */
  label: string;
  ms: number;
  /** The bake: what it ends in is a promotion, so it needs proof. */
  final: boolean;
}

function breachFailure(w: Window, check: KpiCheck): ApplicationFailure {
  const reasons = check.judgement
    ? describeRollback(check.judgement)
    : check.rules.filter((r) => r.verdict === 'breach').map((r) => `${r.rule} ${r.value} vs ${r.threshold}`).join(', ');
  return ApplicationFailure.nonRetryable(`KPI breach at ${w.label}: ${reasons}`, FailureType.KpiBreach, check);
}

/**
 * One monitoring window: every check interval the rollout is judged, and a breach ends it at once. A pause holds the
 * window open without holding traffic back, so the checks go on while paused and a breach still rolls back; paused
 * time does not count towards the window. A window that ends without the evidence it needs is extended once, then
 * does what the spec says: waits for a person (a resume extends it again) or rolls back.
 */
async function monitor(ctx: RolloutContext, record: RolloutRecord, w: Window, candidate: string): Promise<KpiCheck | null> {
  const { controls, state, spec } = ctx;
  const interval = durationMs(spec.rollout.checkInterval);
  const extendBy = extensionOf(spec.rollout);
  const extendMs = durationMs(extendBy);
  const openedAt = Date.now();
  const checks: StageChecks = { label: w.label, kind: w.stage.kind, percent: w.stage.percent, fromMs: openedAt, checkTimes: [] };
  record.stages.push(checks);
  // The window's end is a timer, held while paused: how much is left is a duration, never a branch on the clock.
  const windowEnd = new Deadline();
  let left = w.ms;
  let runningSince = Date.now();
  windowEnd.start(left);
  let extended = false;
  let awaitingPerson = false;
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
      const paused = controls.paused;
      await condition(() => controls.stop !== null || controls.promote !== null || controls.paused !== paused || (!paused && windowEnd.passed), interval);
      if (controls.stop) throw stopFailure(controls);
      if (controls.paused !== paused) {
        notePause(ctx, controls.paused);
        if (!controls.paused && awaitingPerson) {
          awaitingPerson = false;
          state.note(`${w.label}: resumed without proof; the window is extended by ${extendBy}`);
          restart(extendMs);
        } else if (!windowEnd.passed && controls.paused) {
          windowEnd.stop();
          left -= Date.now() - runningSince;
        } else if (!windowEnd.passed) {
          runningSince = Date.now();
          windowEnd.start(left);
        }
        continue;
      }
      await ctx.betweenChecks();
      const toMs = Date.now();
      checks.checkTimes.push(toMs);
      last = await ctx.steps.io.checkKpis({
        ref: ctx.ref,
        stage: w.stage,
        candidate,
        stable: ctx.before.spec.stable?.version ?? null,
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
      controls.paused = true;
      notePause(ctx, true);
      state.note(`${w.label}: still undecided after the extension; waiting for a person to promote, resume (extend) or roll back`);
      await ctx.onAwaitingDecision(w.label, last);
    }
  } finally {
    windowEnd.stop();
  }
}

function notePause(ctx: RolloutContext, paused: boolean): void {
  ctx.state.status.paused = paused;
  ctx.state.note(paused ? 'paused: traffic stays as it is and the checks go on; the window does not advance' : 'resumed');
}

async function moveTo(ctx: RolloutContext, stage: Stage, route: RouteSpec, label: string): Promise<void> {
  const { ref, spec, state, saga, before, steps } = ctx;
  const { routing } = steps;
  saga.add(restoreRouteKey(ref), 'restore the routing as it was before the rollout', async () => {
    await routing.applyRoute({ ref, key: restoreRouteKey(ref), spec: before.spec, actor: `pipeline:${ref.pipelineId}`, reason: 'rollback' });
  });
  const { generation } = await uninterrupted(() =>
    routing.applyRoute({
      ref,
      key: stepKey(ref, `route:${label}`),
      spec: route,
      actor: `pipeline:${ref.pipelineId}`,
      reason: `stage ${stage.name}`,
    }),
  );
  state.traffic(route.candidate?.percent ?? 0, route.shadow?.percent ?? 0);
  const timeoutMs = durationMs(spec.rollout.confirmTimeout);
  const { replicas } = await steps.confirming(timeoutMs).confirmRouteLive({ model: ref.model, generation, timeoutMs });
  state.note(`generation ${generation} live`, `${replicas.length} replica(s): ${replicas.join(', ')}`);
}

/** Shadow, canary and larger shares, each followed by its window, then the bake at 100%. */
export async function runRollout(ctx: RolloutContext): Promise<void> {
  const { spec, state, before, ingest, controls, ref } = ctx;
  if (before.spec.killSwitch !== 'off') {
    throw ApplicationFailure.nonRetryable(`the kill switch of ${ref.model} is '${before.spec.killSwitch}'; release it before a rollout`, FailureType.KillSwitchEngaged);
  }
  const candidate = { version: ref.version, sha256: ingest.artifactSha256 };
  const stages = plannedStages(spec, before);
  if (stages.length < spec.rollout.stages.length) state.note('no stable version yet: shadow and canary stages skipped');
  const windowMs = durationMs(spec.rollout.window);
  const record = new RolloutRecord(plannedKpis(before.spec.stable !== null, stages.some((s) => s.kind === 'shadow'), spec.rollout.thresholds.minShadowAgreement));
  for (const stage of stages) {
    if (controls.promote) break;
    state.step('rollout', stage.name);
    await moveTo(ctx, stage, stageRoute(before.spec, stage, candidate), stage.name);
    const check = await monitor(ctx, record, { stage, label: stage.name, ms: windowMs, final: false }, ref.version);
    await ctx.onStagePassed(stage, check);
  }
  if (controls.promote) {
    state.note(`promote requested by ${controls.promote.actor}: remaining windows skipped`);
    if (state.status.trafficPercent < 100) await moveTo(ctx, FULL_STAGE, stageRoute(before.spec, FULL_STAGE, candidate), 'promote-full');
    return;
  }
  state.step('bake', FULL_STAGE.name);
  await monitor(ctx, record, { stage: FULL_STAGE, label: 'bake', ms: durationMs(spec.rollout.bake), final: true }, ref.version);
}
