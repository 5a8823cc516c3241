import { ApplicationFailure } from '@temporalio/workflow';
import { FailureType } from '../../src/contracts/failures';
import type { IngestSummary, PipelineRef, RouteSnapshot } from '../../src/contracts/pipeline-activities';
import type { PipelineSpec, Stage } from '../../src/contracts/pipeline-spec';
import { durationMs } from '../../src/contracts/primitives';
import { rolloutStarted, stagePassed } from '../../src/notify/mail-texts/pipeline';
import type { RouteSpec } from '../../src/contracts/routes';
import { stageLabel } from '../../src/temporal/workflow-descriptions';
import { plannedKpis } from '../../src/verdicts/planned-kpis';
import { takeRolloutLock } from '../common/rollout-lock';
import { snapshot } from './activity-options';
import { RolloutRecord, watchWindow, type WindowContext } from './monitoring-window';
import type { PipelineRun } from './pipeline-run';
import { uninterrupted } from './saga';
import { stepKey } from './step-key';

const FULL_STAGE: Stage = { name: 'full', kind: 'traffic', percent: 100 };

function restoreRouteKey(ref: PipelineRef): string {
  return stepKey(ref, 'restore-route');
}

/** The stages to run: with no stable version yet there is nothing to compare a canary against, so only 100% runs. */
function plannedStages(spec: PipelineSpec, before: RouteSnapshot): Stage[] {
  if (before.spec.stable) return spec.rollout.stages;
  return [spec.rollout.stages.find((s) => s.kind === 'traffic' && s.percent === 100) ?? FULL_STAGE];
}

function stageRoute(before: RouteSpec, stage: Stage, candidate: { version: string; sha256: string }): RouteSpec {
  if (stage.kind === 'shadow') return { ...before, candidate: null, shadow: { ...candidate, percent: stage.percent } };
  return { ...before, candidate: { ...candidate, percent: stage.percent }, shadow: null };
}

/** Routes one stage's traffic, with the route before the rollout as what the saga restores, and waits until it is live. */
async function moveTo(run: PipelineRun, spec: PipelineSpec, before: RouteSnapshot, stage: Stage, route: RouteSpec, label: string): Promise<void> {
  const { ref, state, saga, steps, actor } = run;
  saga.add(restoreRouteKey(ref), 'restore the routing as it was before the rollout', async () => {
    await steps.routing('restore the routing before the rollout').applyRoute({ ref, key: restoreRouteKey(ref), spec: before.spec, actor, reason: 'rollback' });
  });
  const { generation } = await uninterrupted(() => steps.routing(`route ${stageLabel({ ...stage, name: label })}`).applyRoute({ ref, key: stepKey(ref, `route:${label}`), spec: route, actor, reason: `stage ${stage.name}` }));
  state.traffic(route.candidate?.percent ?? 0, route.shadow?.percent ?? 0);
  const timeoutMs = durationMs(spec.rollout.confirmTimeout);
  const { replicas } = await steps.confirming(timeoutMs, `replicas serve generation ${generation} (${label})`).confirmRouteLive({ model: ref.model, generation, timeoutMs });
  state.note(`generation ${generation} live`, `${replicas.length} replica(s): ${replicas.join(', ')}`);
}

/** Waits, durably, until no other pipeline or rollback of the model holds its rollout lock. */
async function lockTheModel(run: PipelineRun, spec: PipelineSpec): Promise<void> {
  const { ref, state } = run;
  await takeRolloutLock({
    ref,
    acquire: run.steps.io.acquireRolloutLock,
    intervalMs: durationMs(spec.rollout.checkInterval),
    onHolder: async (holder) => state.note(`waiting for ${holder} to finish its rollout of ${ref.model}`),
    onTakeover: async (from) => {
      state.note(`took over the rollout lock of ${from.workflowId}, which closed without releasing it`);
      await run.audit('lock-taken-over', 'rollout.lock_taken_over', 'success', { from, by: ref.pipelineId });
    },
  });
  run.lockHeld = true;
}

/**
 * Rollout: with the model's lock, shadow, canary and larger shares, each watched over its window, then the bake at
 * 100%. Returns the routing as it was before, which the promotion builds on.
 */
export async function rollOut(run: PipelineRun, spec: PipelineSpec, ingested: IngestSummary, approvers: string[]): Promise<RouteSnapshot> {
  const { ref, state, controls } = run;
  state.step('rollout', null);
  await lockTheModel(run, spec);
  const [, before] = await Promise.all([run.transition('rolling_out', `approved by ${approvers.join(', ')}`), snapshot.readRoute({ model: ref.model })]);
  state.rollout = { stages: spec.rollout.stages, routeBefore: before };
  await run.auditAndMail(
    () => run.audit('rollout-started', 'rollout.started', 'success', { routeBefore: before, stages: spec.rollout.stages }),
    'rollout-started',
    rolloutStarted(ref, spec, approvers),
  );
  if (before.spec.killSwitch !== 'off') {
    throw ApplicationFailure.nonRetryable(`the kill switch of ${ref.model} is '${before.spec.killSwitch}'; release it before a rollout`, FailureType.KillSwitchEngaged);
  }

  const candidate = { version: ref.version, sha256: ingested.artifactSha256 };
  const stages = plannedStages(spec, before);
  if (stages.length < spec.rollout.stages.length) state.note('no stable version yet: shadow and canary stages skipped');
  const record = new RolloutRecord(plannedKpis(before.spec.stable !== null, stages.some((s) => s.kind === 'shadow'), spec.rollout.thresholds.minShadowAgreement));
  const ctx: WindowContext = { run, spec, stable: before.spec.stable?.version ?? null, record };
  const windowMs = durationMs(spec.rollout.window);
  for (const stage of stages) {
    if (controls.promote) break;
    state.step('rollout', stage.name);
    await moveTo(run, spec, before, stage, stageRoute(before.spec, stage, candidate), stage.name);
    const check = await watchWindow(ctx, { stage, label: stage.name, ms: windowMs, final: false });
    const key = `stage:${stage.name}`;
    await run.auditAndMail(() => run.audit(key, 'rollout.stage_passed', 'success', { stage, check }), key, stagePassed(ref, spec, stage, check));
  }
  if (controls.promote) {
    state.note(`promote requested by ${controls.promote.actor}: remaining windows skipped`);
    if (state.status.trafficPercent < 100) await moveTo(run, spec, before, FULL_STAGE, stageRoute(before.spec, FULL_STAGE, candidate), 'promote-full');
  } else {
    state.step('bake', FULL_STAGE.name);
    await watchWindow(ctx, { stage: FULL_STAGE, label: 'bake', ms: durationMs(spec.rollout.bake), final: true });
  }
  return before;
}
