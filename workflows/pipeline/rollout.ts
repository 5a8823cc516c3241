import { ApplicationFailure, condition } from '@temporalio/workflow';
import { FailureType } from '../../src/contracts/failures';
import type { KpiCheck } from '../../src/contracts/messages';
import type { IngestSummary, PipelineRef, RouteSnapshot } from '../../src/contracts/pipeline-activities';
import type { PipelineSpec, Stage } from '../../src/contracts/pipeline-spec';
import { durationMs } from '../../src/contracts/primitives';
import type { RouteSpec } from '../../src/routing/schemas';
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

/**
 * One monitoring window: every check interval, the candidate's and stable's KPIs since the window opened are judged,
 * and a breach ends the rollout at once. A pause holds the window open without holding traffic back, so the checks
 * go on while paused and a breach still rolls back; paused time does not count towards the window.
 */
async function monitor(ctx: RolloutContext, stage: Stage, windowMs: number, candidate: string): Promise<KpiCheck | null> {
  const { controls, state, spec } = ctx;
  const interval = durationMs(spec.rollout.checkInterval);
  const openedAt = Date.now();
  // The window's end is a timer, held while paused: how much is left is a duration, never a branch on the clock.
  const windowEnd = new Deadline();
  let left = windowMs;
  let runningSince = Date.now();
  windowEnd.start(left);
  let last: KpiCheck | null = null;
  try {
    for (;;) {
      const paused = controls.paused;
      await condition(() => controls.stop !== null || controls.promote !== null || controls.paused !== paused || (!paused && windowEnd.passed), interval);
      if (controls.stop) throw stopFailure(controls);
      if (controls.paused !== paused) {
        notePause(ctx, controls.paused);
        if (windowEnd.passed) continue;
        if (controls.paused) {
          windowEnd.stop();
          left -= Date.now() - runningSince;
        } else {
          runningSince = Date.now();
          windowEnd.start(left);
        }
        continue;
      }
      await ctx.betweenChecks();
      last = await ctx.steps.io.checkKpis({
        ref: ctx.ref,
        stage,
        candidate,
        stable: ctx.before.spec.stable?.version ?? null,
        fromMs: openedAt,
        toMs: Date.now(),
        thresholds: spec.rollout.thresholds,
      });
      state.check(last);
      if (last.verdict === 'breach') {
        const breached = last.rules.filter((r) => r.verdict === 'breach').map((r) => `${r.rule} ${r.value} vs ${r.threshold}`);
        throw ApplicationFailure.nonRetryable(`KPI breach at ${stage.name}: ${breached.join(', ')}`, FailureType.KpiBreach, last);
      }
      if (controls.promote || (!controls.paused && windowEnd.passed)) return last;
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
  for (const stage of stages) {
    if (controls.promote) break;
    state.step('rollout', stage.name);
    await moveTo(ctx, stage, stageRoute(before.spec, stage, candidate), stage.name);
    const check = await monitor(ctx, stage, windowMs, ref.version);
    await ctx.onStagePassed(stage, check);
  }
  if (controls.promote) {
    state.note(`promote requested by ${controls.promote.actor}: remaining windows skipped`);
    if (state.status.trafficPercent < 100) await moveTo(ctx, FULL_STAGE, stageRoute(before.spec, FULL_STAGE, candidate), 'promote-full');
    return;
  }
  state.step('bake', FULL_STAGE.name);
  await monitor(ctx, FULL_STAGE, durationMs(spec.rollout.bake), ref.version);
}
