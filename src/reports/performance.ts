import type { CheckVerdict, GateEvidence, GateName } from '../contracts/evidence';
import type { ApprovalRecord, Outcome } from '../contracts/messages';
import type { PipelineOutcomeDoc, TimelineEntry } from '../contracts/pipeline-activities';
import { summarizeEvidence } from '../evaluation/summary';
import { finishedAt, type ReportContext } from './context';
import { intervalCharts, type IntervalChart } from './intervals';
import { pointsOf, type KpiPoint } from './points';
import type { KpiSeries } from './series';
import { stageWindows, type StageWindow } from './stages';

export interface GateSection {
  gate: GateName;
  pass: boolean;
  headline: string;
  checks: { name: string; verdict: CheckVerdict; summary: string; reason?: string }[];
}

export type ChartMetric = 'requestRate' | 'errorRate' | 'p99Ms' | 'successRate' | 'shadowAgreement';

/** Which point fields a chart draws; the SVG is drawn from exactly these fields of `series.points`. */
export interface ChartSpec {
  id: string;
  title: string;
  unit: 'per_second' | 'share' | 'ms';
  lines: { label: string; role: KpiPoint['role']; field: ChartMetric | 'shadowRequestRate' }[];
  /** The monitoring threshold for this figure, when the checks judged it. */
  threshold: number | null;
}

/** The performance report as JSON: everything the HTML shows, as numbers. */
export interface PerformanceReport {
  kind: 'performance_report';
  pipelineId: string;
  model: string;
  version: string;
  outcome: Outcome;
  failure: string | null;
  startedAt: string;
  finishedAt: string | null;
  championBefore: string | null;
  approvals: ApprovalRecord[];
  gates: GateSection[];
  stages: StageWindow[];
  series: { from: string; to: string; stepMs: number; points: KpiPoint[] } | null;
  charts: ChartSpec[];
  /** The statistical judge's always-valid intervals per KPI over the checks; empty under the thresholds judge. */
  intervals: IntervalChart[];
  timeline: TimelineEntry[];
}

function gateSection(evidence: GateEvidence): GateSection {
  return {
    gate: evidence.gate,
    pass: evidence.pass,
    headline: summarizeEvidence(evidence).split('\n')[0],
    checks: evidence.checks.map((c) => ({ name: c.name, verdict: c.verdict, summary: c.summary, ...(c.verdict === 'skipped' ? { reason: c.reason } : {}) })),
  };
}

function thresholdOf(doc: PipelineOutcomeDoc, rule: string): number | null {
  return doc.checks.flatMap((c) => c.rules).find((r) => r.rule === rule)?.threshold ?? null;
}

function chartsFor(doc: PipelineOutcomeDoc, points: KpiPoint[], stages: StageWindow[]): ChartSpec[] {
  const candidate = `candidate ${doc.ref.version}`;
  const stable = points.find((p) => p.role === 'stable')?.version;
  const shadowed = stages.some((s) => s.kind === 'shadow') || points.some((p) => p.shadowRequests > 0);
  const both = (field: ChartMetric) => [
    { label: candidate, role: 'candidate' as const, field },
    ...(stable ? [{ label: `stable ${stable}`, role: 'stable' as const, field }] : []),
  ];
  const charts: ChartSpec[] = [
    {
      id: 'request_rate',
      title: 'Request rate',
      unit: 'per_second',
      lines: [...both('requestRate'), ...(shadowed ? [{ label: `${candidate} (shadow)`, role: 'candidate' as const, field: 'shadowRequestRate' as const }] : [])],
      threshold: null,
    },
    { id: 'error_rate', title: 'Error rate', unit: 'share', lines: both('errorRate'), threshold: thresholdOf(doc, 'error_rate') },
    { id: 'p99_latency', title: 'p99 latency', unit: 'ms', lines: both('p99Ms'), threshold: thresholdOf(doc, 'p99_latency_ms') },
    { id: 'success_rate', title: 'Prediction success rate', unit: 'share', lines: both('successRate'), threshold: null },
  ];
  if (shadowed) {
    charts.push({
      id: 'shadow_agreement',
      title: 'Shadow agreement with what users were served',
      unit: 'share',
      lines: [{ label: candidate, role: 'candidate', field: 'shadowAgreement' }],
      threshold: thresholdOf(doc, 'shadow_agreement'),
    });
  }
  return charts;
}

/** Pure: the outcome document and the KPI series (null when nothing was rolled out) become the report's figures. */
export function buildPerformanceReport(doc: PipelineOutcomeDoc, series: KpiSeries | null, context: ReportContext = {}): PerformanceReport {
  const stages = stageWindows(doc.checks, doc.timeline, context.stages);
  const points = series ? pointsOf(series, doc.ref.version) : [];
  return {
    kind: 'performance_report',
    pipelineId: doc.ref.pipelineId,
    model: doc.ref.model,
    version: doc.ref.version,
    outcome: doc.status.outcome,
    failure: doc.status.failure,
    startedAt: doc.status.startedAt,
    finishedAt: finishedAt(doc.timeline),
    championBefore: doc.status.champion,
    approvals: doc.status.approvals,
    gates: doc.evidence.map(gateSection),
    stages,
    series: series ? { from: series.from, to: series.to, stepMs: series.stepMs, points } : null,
    charts: series ? chartsFor(doc, points, stages) : [],
    intervals: intervalCharts(doc.checks, stages),
    timeline: doc.timeline,
  };
}
