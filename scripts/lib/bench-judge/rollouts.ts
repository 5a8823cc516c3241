/**
 * One simulated rollout of the default spec under each judge. The statistical judge is the project's own code
 * (judge, stage decisions, undecided rule); the thresholds judge is the project's `evaluateKpiCheck`; the
 * Kayenta-style judge runs a Mann-Whitney test per metric at each window's end. Each judge sees traffic from the
 * same generator, population and seed.
 */
import { emptyCounters, latencyQuantile, type KpiCounters } from '../../../src/contracts/kpi';
import type { PipelineSpec, Stage } from '../../../src/contracts/pipeline-spec';
import { durationMs } from '../../../src/contracts/primitives';
import { mulberry32 } from '../../../src/models/prng';
import { evaluateKpiCheck } from '../../../src/policy/kpi-rules';
import { judge, plannedKpis, type ConcurrentStep, type Stratum } from '../../../src/verdicts/judge';
import { extensionOf, holdsCandidateData, judgeSettings, stageAction, undecidedAction } from '../../../src/verdicts/stage-decision';
import type { Assignment } from './population';
import { mannWhitney } from './mann-whitney';
import { accumulate, drawCheck, type ArmModel, type CheckDraw } from './traffic';

export type JudgeName = 'statistical' | 'thresholds' | 'kayenta';
export type Outcome = 'promoted' | 'rolled_back' | 'paused';

export interface RolloutResult {
  outcome: Outcome;
  /** Seconds from the start of the rollout to its final decision. */
  decisionS: number;
  /** What stopped a rollback: the KPI (statistical), rule (thresholds) or metric (Kayenta-style). */
  by?: string;
}

export interface RolloutSetup {
  spec: PipelineSpec['rollout'];
  /** Users placed in shards and bands once per rollout, shared by every judge. */
  assignment: Assignment;
  candidate: ArmModel;
  stable: ArmModel;
  seed: number;
}

interface Step {
  stage: Stage;
  /** Stratum label: the bake runs at the last stage's share but is a stage of its own. */
  label: string;
  windowS: number;
  final: boolean;
}

export function rolloutSteps(spec: PipelineSpec['rollout']): Step[] {
  const windowS = durationMs(spec.window) / 1000;
  const steps: Step[] = spec.stages.map((stage) => ({ stage, label: stage.name, windowS, final: false }));
  const full = spec.stages[spec.stages.length - 1];
  steps.push({ stage: full, label: 'bake', windowS: durationMs(spec.bake) / 1000, final: true });
  return steps;
}

/** Routing bands: the users each traffic stage adds, in ascending order. */
export const bandsOf = (spec: PipelineSpec['rollout']) => [...new Set(spec.stages.filter((s) => s.kind === 'traffic').map((s) => s.percent / 100))].sort((a, b) => a - b);

export const shadowSharesOf = (...specs: PipelineSpec['rollout'][]) => specs.flatMap((spec) => spec.stages.filter((s) => s.kind === 'shadow').map((s) => s.percent / 100));

function context(setup: RolloutSetup) {
  const rng = mulberry32(setup.seed);
  const { assignment } = setup;
  const intervalS = durationMs(setup.spec.checkInterval) / 1000;
  const draw = (stage: Stage): CheckDraw => drawCheck(rng, assignment, stage, intervalS, setup.candidate, setup.stable);
  return { rng, assignment, intervalS, draw };
}


export function runStatistical(setup: RolloutSetup): RolloutResult {
  const { spec } = setup;
  const { assignment, intervalS, draw } = context(setup);
  const settings = judgeSettings(spec.judge, spec.thresholds);
  const kpis = plannedKpis(true, spec.stages.some((s) => s.kind === 'shadow'), spec.thresholds.minShadowAgreement);
  const strata: Stratum[] = [];
  const steps: ConcurrentStep[] = [];
  const users = { candidate: assignment.users[0], stable: assignment.users.reduce((a, b) => a + b, 0) };
  let t = 0;
  for (const step of rolloutSteps(spec)) {
    const stratum: Stratum = { stage: step.label, kind: step.stage.kind, candidate: emptyCounters(), stable: null };
    strata.push(stratum);
    let windowS = step.windowS;
    let extended = false;
    let checksWithData = 0;
    for (let elapsed = intervalS; ; elapsed += intervalS) {
      const d = draw(step.stage);
      t += intervalS;
      accumulate(stratum, d);
      if (d.stable) steps.push({ kind: step.stage.kind, candidate: d.candidate, stable: d.stable });
      if (holdsCandidateData(stratum, step.stage)) checksWithData++;
      const judgement = judge({ strata, steps, kpis, users, settings });
      const action = stageAction(judgement, { stage: step.stage, final: step.final, windowEnded: elapsed >= windowS, checksWithData });
      if (action === 'rollback') return { outcome: 'rolled_back', decisionS: t, by: `${judgement.kpis.filter((k) => k.verdict === 'regressed').map((k) => k.kpi).join('+')}@${step.label}` };
      if (action === 'advance') break;
      if (action === 'undecided') {
        const next = undecidedAction(spec.judge, extended);
        if (next === 'pause') return { outcome: 'paused', decisionS: t };
        if (next === 'rollback') return { outcome: 'rolled_back', decisionS: t };
        extended = true;
        windowS += durationMs(extensionOf(spec)) / 1000;
      }
    }
  }
  return { outcome: 'promoted', decisionS: t };
}

export function runThresholds(setup: RolloutSetup): RolloutResult {
  const { spec } = setup;
  const { intervalS, draw } = context(setup);
  let t = 0;
  for (const step of rolloutSteps(spec)) {
    const window: { candidate: KpiCounters; stable: KpiCounters | null } = { candidate: emptyCounters(), stable: null };
    const from = new Date(t * 1000);
    for (let elapsed = intervalS; elapsed <= step.windowS; elapsed += intervalS) {
      accumulate(window, draw(step.stage));
      t += intervalS;
      const check = evaluateKpiCheck({ stage: step.stage, from, to: new Date(t * 1000), candidate: window.candidate, stable: window.stable, thresholds: spec.thresholds });
      if (check.verdict === 'breach') return { outcome: 'rolled_back', decisionS: t, by: `${check.rules.filter((r) => r.verdict === 'breach').map((r) => r.rule).join('+')}@${step.label}` };
    }
  }
  return { outcome: 'promoted', decisionS: t };
}

type Metric = { name: string; harmIsHigher: boolean; value: (c: KpiCounters, shadow: boolean) => number | null };

const KAYENTA_METRICS: Metric[] = [
  { name: 'error_rate', harmIsHigher: true, value: (c, shadow) => (shadow ? (c.shadowRequests ? c.shadowErrors / c.shadowRequests : null) : c.requests ? c.errors / c.requests : null) },
  { name: 'success_rate', harmIsHigher: false, value: (c, shadow) => (shadow || !c.requests ? null : c.successes / c.requests) },
  { name: 'p99_ms', harmIsHigher: true, value: (c, shadow) => (shadow ? null : latencyQuantile(c.latency, 0.99)) },
];

/** Kayenta's manner: at each window's end, per metric, the per-interval values of both arms; a stage at 100% has no
 *  baseline to compare with and passes. */
export function runKayenta(setup: RolloutSetup, confidence = 0.98): RolloutResult {
  const { spec } = setup;
  const { intervalS, draw } = context(setup);
  let t = 0;
  for (const step of rolloutSteps(spec)) {
    const draws: CheckDraw[] = [];
    for (let elapsed = intervalS; elapsed <= step.windowS; elapsed += intervalS) {
      draws.push(draw(step.stage));
      t += intervalS;
    }
    if (draws[0].stable === null) continue;
    const shadow = step.stage.kind === 'shadow';
    for (const metric of KAYENTA_METRICS) {
      const cand = draws.map((d) => metric.value(d.candidate, shadow)).filter((v): v is number => v !== null);
      const base = draws.map((d) => metric.value(d.stable!, false)).filter((v): v is number => v !== null);
      if (shadow && metric.name !== 'error_rate') continue;
      const { p, candidateHigher } = mannWhitney(cand, base);
      if (p < 1 - confidence && candidateHigher === metric.harmIsHigher) return { outcome: 'rolled_back', decisionS: t, by: `${metric.name}@${step.label}` };
    }
  }
  return { outcome: 'promoted', decisionS: t };
}

export const runners: Record<JudgeName, (setup: RolloutSetup) => RolloutResult> = {
  statistical: runStatistical,
  thresholds: runThresholds,
  kayenta: runKayenta,
};
