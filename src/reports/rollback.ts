import type { CheckVerdict, GateName } from '../contracts/evidence';
import type { ApprovalRecord, KpiCheck, Outcome } from '../contracts/messages';
import type { CompensationRecord, PipelineOutcomeDoc, TimelineEntry } from '../contracts/pipeline-activities';
import { describeJudgement, describeRollback } from '../verdicts/describe';
import { finishedAt, type ReportContext } from './context';
import { productionState, type ProductionState } from './production';

export interface FailedGateCheck {
  gate: GateName;
  name: string;
  verdict: CheckVerdict;
  summary: string;
}

/** The statistical judge's evidence as people read it. */
export interface JudgedKpis {
  /** The KPIs that regressed, with estimate and interval, in one sentence; empty when none did. */
  regressed: string;
  /** Every KPI judged, one line each, those that decided first. */
  kpis: string[];
}

/**
 * The evidence behind the stop: a KPI check's snapshot (and, from the statistical judge, its KPIs in words), the
 * failed gate checks, or the decisions that rejected it.
 */
export type RollbackTrigger =
  | { kind: 'kpi_check'; check: KpiCheck; judged: JudgedKpis | null }
  | { kind: 'gate'; failedChecks: FailedGateCheck[] }
  | { kind: 'decision'; approvals: ApprovalRecord[] }
  | { kind: 'none' };

export interface RollbackDocument {
  kind: 'rollback_document';
  pipelineId: string;
  /** The Temporal run it was written by: a version deployed again keeps one document per run. */
  runId?: string;
  model: string;
  version: string;
  outcome: Outcome;
  startedAt: string;
  finishedAt: string | null;
  championBefore: string | null;
  cause: { type: string; message: string };
  trigger: RollbackTrigger;
  production: ProductionState;
  /** In the order they ran: the reverse of the changes they undo. */
  compensations: CompensationRecord[];
  timeline: TimelineEntry[];
}

function triggerOf(doc: PipelineOutcomeDoc): RollbackTrigger {
  const check = doc.cause?.check;
  if (check) {
    const judged = check.judgement ? { regressed: describeRollback(check.judgement), kpis: describeJudgement(check.judgement) } : null;
    return { kind: 'kpi_check', check, judged };
  }
  const failedChecks = doc.evidence.flatMap((e) => e.checks.filter((c) => c.verdict === 'fail').map((c) => ({ gate: e.gate, name: c.name, verdict: c.verdict, summary: c.summary })));
  if (failedChecks.length > 0) return { kind: 'gate', failedChecks };
  if (doc.cause?.type === 'ApprovalRejected') return { kind: 'decision', approvals: doc.status.approvals.filter((a) => a.decision === 'reject') };
  return { kind: 'none' };
}

/** Pure: what happened, why, what was undone and where production stands now. */
export function buildRollbackDocument(doc: PipelineOutcomeDoc, context: ReportContext = {}): RollbackDocument {
  return {
    kind: 'rollback_document',
    pipelineId: doc.ref.pipelineId,
    model: doc.ref.model,
    version: doc.ref.version,
    outcome: doc.status.outcome,
    startedAt: doc.status.startedAt,
    finishedAt: finishedAt(doc.timeline),
    championBefore: doc.status.champion,
    cause: doc.cause ? { type: doc.cause.type, message: doc.cause.message } : { type: 'Unknown', message: doc.status.failure ?? 'no cause was recorded' },
    trigger: triggerOf(doc),
    production: productionState(doc.compensations, context.routeBefore ?? null),
    compensations: doc.compensations,
    timeline: doc.timeline,
  };
}
