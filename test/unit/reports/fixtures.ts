import { addCounters, emptyCounters, KPI_SHARDS, latencyBucketIndex, type KpiCounters } from '../../../src/contracts/kpi';
import { gateEvidenceSchema, type GateEvidence } from '../../../src/contracts/evidence';
import type { KpiCheck, PipelineStatus } from '../../../src/contracts/messages';
import type { CompensationRecord, PipelineOutcomeDoc, TimelineEntry } from '../../../src/contracts/pipeline-activities';
import { DEFAULT_JUDGE, DEFAULT_STAGES, kpiThresholdsSchema, type Stage } from '../../../src/contracts/pipeline-spec';
import { evaluateKpiCheck, summarizeSide } from '../../../src/policy/kpi-rules';
import type { KpiSeries } from '../../../src/reports';
import { describeRollback } from '../../../src/verdicts/describe';
import { judge, plannedKpis, type ConcurrentStep, type Stratum } from '../../../src/verdicts/judge';
import { judgeSettings } from '../../../src/verdicts/stage-decision';

/**
 * A realistic pipeline of model "movies" 1.3.0 replacing 1.2.0: gates, an approval, five stages of ten minutes and a
 * thirty-minute bake, with KPI checks computed by the real monitoring rules, or the real statistical judge, from the
 * very series the report charts.
 */

export const MODEL = 'movies';
export const CANDIDATE = '1.3.0';
export const STABLE = '1.2.0';
export const PIPELINE_ID = `deploy-${MODEL}-${CANDIDATE}`;
export const STEP_MS = 30_000;
export const ROLLOUT_START = Date.parse('2025-03-04T10:00:00.000Z');
const WINDOW_MS = 10 * 60_000;
const BAKE_MS = 30 * 60_000;
const CHECK_MS = 2 * 60_000;
export const THRESHOLDS = kpiThresholdsSchema.parse(undefined);
const iso = (ms: number) => new Date(ms).toISOString();

export const EVIDENCE: GateEvidence[] = [
  {
    gate: 'validation',
    k: 10,
    candidate: { ndcg: 0.081, recall: 0.12, precision: 0.04, map: 0.05, hitRate: 0.31, coverage: 0.42, users: 900, fallbackUsers: 12 },
    champion: { ndcg: 0.074, recall: 0.11, precision: 0.037, map: 0.046, hitRate: 0.29, coverage: 0.4, users: 900, fallbackUsers: 15 },
    pass: true,
    checks: [
      { name: 'ndcg_floor', verdict: 'pass', values: { ndcg: 0.081 }, thresholds: { floor: 0.01 }, summary: 'NDCG@10 0.081 ≥ floor 0.010 (900 users)' },
      { name: 'ndcg_regression', verdict: 'pass', values: { candidate: 0.081, champion: 0.074 }, thresholds: { maxRegression: 0.05 }, summary: 'NDCG@10 +9.5% vs champion 1.2.0' },
    ],
  },
  {
    gate: 'scenarios',
    k: 10,
    pass: true,
    checks: [
      { name: 'cold_start_slice', verdict: 'pass', values: { ratio: 0.52 }, thresholds: { min: 0.3 }, summary: 'cold-start users: NDCG 0.52 × overall' },
      { name: 'shadow_overlap', verdict: 'skipped', values: { overlap: null }, thresholds: { min: 0 }, summary: 'shadow replay not run', reason: 'no replay traffic' },
    ],
  },
  {
    gate: 'quality',
    datasets: { train: { rows: 90_000, users: 900, items: 1600, findings: [] }, recent: { rows: 9000, users: 700, items: 1200, findings: [] } },
    pass: true,
    checks: [{ name: 'drift_rating_psi', verdict: 'pass', values: { psi: 0.03 }, thresholds: { maxPsi: 0.2 }, summary: 'rating PSI 0.030 ≤ 0.200' }],
  },
].map((e) => gateEvidenceSchema.parse(e));

export type JudgeKind = KpiCheck['judge'];

/** Users hash into shards evenly; which shards get the remainder moves from step to step. */
function spread(total: number, offset: number): number[] {
  const shards = new Array<number>(KPI_SHARDS).fill(Math.floor(total / KPI_SHARDS));
  for (let i = 0; i < total % KPI_SHARDS; i++) shards[(offset + i) % KPI_SHARDS]++;
  return shards;
}

/** Deterministic traffic: about 40 requests a second in total, with a gentle wave so the charts have shape. */
function stepCounters(stepIndex: number, requests: number, opts: { slowMs: number; errorEvery: number; shadow?: number }): KpiCounters {
  const c = emptyCounters();
  const wave = 1 + 0.15 * Math.sin(stepIndex / 7);
  c.requests = Math.round(requests * wave);
  c.errors = opts.errorEvery > 0 && stepIndex % opts.errorEvery === 0 ? 1 : 0;
  c.latency[latencyBucketIndex(4)] = Math.max(0, c.requests - Math.ceil(c.requests / 20));
  c.latency[latencyBucketIndex(opts.slowMs)] += Math.ceil(c.requests / 20);
  c.uncachedLatency = c.latency.slice();
  c.latencySumMs = c.requests * 5;
  c.feedback = Math.round(c.requests * 0.3);
  c.successes = Math.round(c.requests * (0.24 + 0.02 * Math.cos(stepIndex / 5)));
  c.shardRequests = spread(c.requests, stepIndex);
  c.shardErrors = spread(c.errors, stepIndex);
  c.shardSuccesses = spread(c.successes, stepIndex);
  if (opts.shadow) {
    c.shadowRequests = Math.round(opts.shadow * wave);
    c.shadowOverlapSum = c.shadowRequests * 0.62;
    c.shardShadowRequests = spread(c.shadowRequests, stepIndex);
    c.shardShadowOverlap = c.shardShadowRequests.map((n) => n * 0.62);
  }
  return c;
}

export interface Window {
  stage: Stage;
  phase: 'stage' | 'bake';
  from: number;
  to: number;
}

export const WINDOWS: Window[] = [
  ...DEFAULT_STAGES.map((stage, i) => ({ stage, phase: 'stage' as const, from: ROLLOUT_START + i * WINDOW_MS, to: ROLLOUT_START + (i + 1) * WINDOW_MS })),
  { stage: DEFAULT_STAGES[4], phase: 'bake', from: ROLLOUT_START + 5 * WINDOW_MS, to: ROLLOUT_START + 5 * WINDOW_MS + BAKE_MS },
];

export function buildSeries(windows: Window[] = WINDOWS, candidateSlowMs = 12): KpiSeries {
  const from = windows[0].from;
  const to = windows[windows.length - 1].to;
  const steps = (to - from) / STEP_MS;
  const cand: KpiSeries['versions'][number] = { version: CANDIDATE, steps: [] };
  const base: KpiSeries['versions'][number] = { version: STABLE, steps: [] };
  for (let i = 0; i < steps; i++) {
    const start = from + i * STEP_MS;
    const w = windows.find((x) => start >= x.from && start < x.to)!;
    const total = 40 * (STEP_MS / 1000);
    const share = w.stage.kind === 'traffic' ? w.stage.percent / 100 : 0;
    const shadow = w.stage.kind === 'shadow' ? (total * w.stage.percent) / 100 : 0;
    cand.steps.push({ start: iso(start), counters: stepCounters(i, total * share, { slowMs: candidateSlowMs, errorEvery: 9, shadow }) });
    base.steps.push({ start: iso(start), counters: stepCounters(i, total * (1 - share), { slowMs: 14, errorEvery: 11 }) });
  }
  return { model: MODEL, from: iso(from), to: iso(to), stepMs: STEP_MS, versions: [cand, base] };
}

function windowSum(series: KpiSeries, version: string, from: number, to: number): KpiCounters {
  const steps = series.versions.find((v) => v.version === version)!.steps;
  return steps.filter((s) => Date.parse(s.start) >= from && Date.parse(s.start) < to).reduce((sum, s) => addCounters(sum, s.counters), emptyCounters());
}

/** When the workflow checks: every two minutes, every five in the bake. */
function checkTimes(w: Window): number[] {
  const every = w.phase === 'bake' ? 5 * 60_000 : CHECK_MS;
  const times = [];
  for (let at = w.from + every; at <= w.to; at += every) times.push(at);
  return times;
}

/** The checks the thresholds judge would have made over each window. */
function thresholdChecks(series: KpiSeries, windows: Window[], stopAtBreach: boolean): KpiCheck[] {
  const checks: KpiCheck[] = [];
  for (const w of windows) {
    for (const at of checkTimes(w)) {
      const candidate = windowSum(series, CANDIDATE, w.from, at);
      const stable = windowSum(series, STABLE, w.from, at);
      const check = evaluateKpiCheck({ stage: w.stage, from: new Date(w.from), to: new Date(at), candidate, stable, thresholds: THRESHOLDS });
      checks.push(check);
      if (stopAtBreach && check.verdict === 'breach') return checks;
    }
  }
  return checks;
}

/** Stable serves beside the candidate unless the candidate serves everyone (activities/kpi-check.ts). */
const concurrent = (w: Window) => w.stage.kind === 'shadow' || w.stage.percent < 100;
const label = (w: Window) => (w.phase === 'bake' ? 'bake' : w.stage.name);

/** The checks the statistical judge would have made: each over every stage so far, as activities/kpi-check.ts bins them. */
function statisticalChecks(series: KpiSeries, windows: Window[], stopAtBreach: boolean): KpiCheck[] {
  const kpis = plannedKpis(true, windows.some((w) => w.stage.kind === 'shadow'), THRESHOLDS.minShadowAgreement);
  const settings = judgeSettings(DEFAULT_JUDGE, THRESHOLDS);
  const stratum = (w: Window, to: number): Stratum => ({
    stage: label(w),
    kind: w.stage.kind,
    candidate: windowSum(series, CANDIDATE, w.from, to),
    stable: concurrent(w) ? windowSum(series, STABLE, w.from, to) : null,
  });
  const checks: KpiCheck[] = [];
  const steps: ConcurrentStep[] = [];
  for (const [i, w] of windows.entries()) {
    let previous = w.from;
    for (const at of checkTimes(w)) {
      if (concurrent(w)) steps.push({ kind: w.stage.kind, candidate: windowSum(series, CANDIDATE, previous, at), stable: windowSum(series, STABLE, previous, at) });
      previous = at;
      const strata = [...windows.slice(0, i).map((x) => stratum(x, x.to)), stratum(w, at)];
      const served = (side: 'candidate' | 'stable') => strata.reduce((n, x) => n + (x[side] ? x[side].requests + x[side].shadowRequests : 0), 0);
      // About six requests per user in a step's traffic.
      const users = { candidate: Math.round(served('candidate') / 6), stable: Math.round(served('stable') / 6) };
      const judgement = judge({ strata, steps: [...steps], kpis, users, settings });
      const check: KpiCheck = {
        judge: 'statistical',
        stage: w.stage.name,
        at: iso(at),
        from: iso(w.from),
        to: iso(at),
        candidate: summarizeSide(windowSum(series, CANDIDATE, w.from, at)),
        stable: summarizeSide(windowSum(series, STABLE, w.from, at)),
        rules: [],
        judgement,
        verdict: judgement.verdict === 'regressed' ? 'breach' : 'pass',
      };
      checks.push(check);
      if (stopAtBreach && check.verdict === 'breach') return checks;
    }
  }
  return checks;
}

export function buildChecks(series: KpiSeries, windows: Window[] = WINDOWS, stopAtBreach = false, judgeKind: JudgeKind = 'thresholds'): KpiCheck[] {
  return judgeKind === 'statistical' ? statisticalChecks(series, windows, stopAtBreach) : thresholdChecks(series, windows, stopAtBreach);
}

function timelineFor(checks: KpiCheck[], end: { at: number; outcome: string; failure?: string }, windows: Window[]): TimelineEntry[] {
  const t0 = ROLLOUT_START - 60 * 60_000;
  const entries: TimelineEntry[] = [
    { at: iso(t0), event: 'pipeline started' },
    { at: iso(t0 + 1000), event: 'step ingest' },
    { at: iso(t0 + 60_000), event: 'step validate' },
    { at: iso(t0 + 120_000), event: 'step test' },
    { at: iso(t0 + 180_000), event: 'step quality' },
    { at: iso(t0 + 240_000), event: 'step awaiting_approval' },
    { at: iso(t0 + 30 * 60_000), event: 'approve by bob refused: the submitter cannot approve' },
    { at: iso(t0 + 50 * 60_000), event: 'approve by alice accepted' },
    { at: iso(ROLLOUT_START - 1000), event: 'step rollout' },
  ];
  const reached = windows.filter((w) => checks.some((c) => Date.parse(c.from) === w.from));
  reached.forEach((w, i) => {
    if (w.phase === 'bake') entries.push({ at: iso(w.from), event: `step bake (${w.stage.name})` });
    else {
      entries.push({ at: iso(w.from - 500), event: `step rollout (${w.stage.name})` });
      entries.push({ at: iso(w.from - 200), event: `generation ${8 + i} live`, detail: '2 replica(s): gw-a, gw-b' });
    }
  });
  entries.push({ at: iso(end.at), event: `finished: ${end.outcome}`, ...(end.failure ? { detail: end.failure } : {}) });
  return entries;
}

function status(outcome: PipelineStatus['outcome'], failure: string | null, lastCheck: KpiCheck | null): PipelineStatus {
  return {
    pipelineId: PIPELINE_ID,
    model: MODEL,
    version: CANDIDATE,
    step: 'done',
    stage: lastCheck?.stage ?? null,
    trafficPercent: outcome === 'promoted' ? 100 : 0,
    shadowPercent: 0,
    paused: false,
    outcome,
    lastCheck,
    approvals: [
      { approver: 'bob', decision: 'approve', comment: 'lgtm', at: iso(ROLLOUT_START - 30 * 60_000), accepted: false, reason: 'the submitter cannot approve' },
      { approver: 'alice', decision: 'approve', comment: 'Offline gains look solid; go.', at: iso(ROLLOUT_START - 10 * 60_000), accepted: true },
    ],
    approvalsRequired: 1,
    approvalDeadline: iso(ROLLOUT_START + 72 * 3_600_000),
    champion: STABLE,
    startedAt: iso(ROLLOUT_START - 60 * 60_000),
    failure,
  };
}

export function promotedDoc(series = buildSeries(), judgeKind: JudgeKind = 'thresholds'): PipelineOutcomeDoc {
  const checks = buildChecks(series, WINDOWS, false, judgeKind);
  const end = WINDOWS[WINDOWS.length - 1].to + 2000;
  return {
    ref: { pipelineId: PIPELINE_ID, model: MODEL, version: CANDIDATE },
    status: status('promoted', null, checks[checks.length - 1]),
    checks,
    evidence: EVIDENCE,
    timeline: timelineFor(checks, { at: end, outcome: 'promoted' }, WINDOWS),
    compensations: [],
    cause: null,
  };
}

/** The canary breaches at 10:12; the compensations run right after. */
const UNWIND_AT = ROLLOUT_START + 12 * 60_000 + 1000;

export const ROUTE_COMPENSATION: CompensationRecord = {
  key: `${PIPELINE_ID}:restore-route`,
  description: 'restore the routing as it was before the rollout',
  outcome: 'done',
  at: iso(UNWIND_AT + 1000),
};

export const CHAMPION_COMPENSATION: CompensationRecord = {
  key: `${PIPELINE_ID}:restore-champion`,
  description: `move champion back to ${STABLE}`,
  outcome: 'done',
  at: iso(UNWIND_AT + 500),
};

/** The candidate is slow: at the canary, p99 latency breaches (or slow requests regress) and the rollout is undone. */
export function breachedDoc(compensations: CompensationRecord[] = [ROUTE_COMPENSATION], judgeKind: JudgeKind = 'thresholds'): PipelineOutcomeDoc {
  const series = buildSeries(WINDOWS, 120);
  const checks = buildChecks(series, WINDOWS, true, judgeKind);
  const check = checks[checks.length - 1];
  const breached = check.judgement
    ? describeRollback(check.judgement)
    : check.rules.filter((r) => r.verdict === 'breach').map((r) => `${r.rule} ${r.value} vs ${r.threshold}`).join(', ');
  const message = `KPI breach at ${check.stage}: ${breached}`;
  const end = UNWIND_AT + 5000;
  const timeline = timelineFor(checks, { at: end, outcome: 'rolled_back', failure: message }, WINDOWS);
  timeline.splice(timeline.length - 1, 0, { at: iso(UNWIND_AT), event: 'unwinding: KpiBreach', detail: message });
  return {
    ref: { pipelineId: PIPELINE_ID, model: MODEL, version: CANDIDATE },
    status: status('rolled_back', message, check),
    checks,
    evidence: EVIDENCE,
    timeline,
    compensations,
    cause: { type: 'KpiBreach', message, check },
  };
}

/** The quality gate fails: nothing reached production. */
export function gateFailedDoc(): PipelineOutcomeDoc {
  const quality = gateEvidenceSchema.parse({
    ...EVIDENCE[2],
    pass: false,
    checks: [
      { name: 'drift_rating_psi', verdict: 'fail', values: { psi: 0.41 }, thresholds: { maxPsi: 0.2 }, summary: 'rating PSI 0.410 > 0.200' },
      { name: 'duplicate_share', verdict: 'pass', values: { share: 0.001 }, thresholds: { max: 0.01 }, summary: 'duplicates 0.1% ≤ 1%' },
    ],
  });
  const message = 'quality gate failed: rating PSI 0.410 > 0.200';
  const t0 = ROLLOUT_START - 60 * 60_000;
  return {
    ref: { pipelineId: PIPELINE_ID, model: MODEL, version: CANDIDATE },
    status: { ...status('rejected', message, null), approvals: [] },
    checks: [],
    evidence: [EVIDENCE[0], EVIDENCE[1], quality],
    timeline: [
      { at: iso(t0), event: 'pipeline started' },
      { at: iso(t0 + 180_000), event: 'step quality' },
      { at: iso(t0 + 200_000), event: 'unwinding: GateFailed', detail: message },
      { at: iso(t0 + 201_000), event: 'finished: rejected', detail: message },
    ],
    compensations: [],
    cause: { type: 'GateFailed', message, check: null },
  };
}
