import { setCurrentDetails, setHandler, upsertMemo, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { GateEvidence } from '../../src/contracts/evidence';
import {
  statusQuery,
  type ApprovalRecord,
  type KpiCheck,
  type Outcome,
  type PipelineStatus,
  type PipelineStep,
} from '../../src/contracts/messages';
import type { CompensationRecord, PipelineOutcomeDoc, PipelineRef, TimelineEntry } from '../../src/contracts/pipeline-activities';
import { initialSearchAttributes, initialStatus } from '../../src/contracts/pipeline-status';
import { OutcomeKey, PipelineStageKey, TrafficPercentKey } from '../../src/contracts/search-attributes';
import { detailLines } from '../../src/temporal/workflow-descriptions';

/** Everything the pipeline knows about itself: answered by the status query, mirrored to the Web UI, reported. */
export class PipelineState {
  readonly status: PipelineStatus;
  readonly timeline: TimelineEntry[] = [];
  readonly checks: KpiCheck[] = [];
  readonly evidence: GateEvidence[] = [];
  readonly compensations: CompensationRecord[] = [];
  rollout: Pick<PipelineOutcomeDoc, 'stages' | 'routeBefore'> = {};
  private reached = 'ingest';

  constructor(readonly ref: PipelineRef) {
    this.status = initialStatus(ref.pipelineId, ref.model, ref.version, new Date(workflowInfo().startTime).toISOString());
    setHandler(statusQuery, () => this.status);
    upsertSearchAttributes(initialSearchAttributes(ref.model, ref.version, 'ingest'));
    this.note('pipeline started');
  }

  /** The Web UI's current details: where the pipeline is now. Updated at each step, traffic change, decision and check. */
  private refreshDetails(): void {
    const s = this.status;
    const approvers = s.approvals.filter((a) => a.accepted && a.decision === 'approve').map((a) => a.approver);
    const check = s.lastCheck;
    setCurrentDetails(
      detailLines([
        ['Step', s.stage ? `${s.step} · ${s.stage}` : s.step],
        ['Traffic', `candidate ${s.trafficPercent}%, shadow ${s.shadowPercent}%${s.paused ? ', paused' : ''}`],
        ['Approvals', `${approvers.length} of ${s.approvalsRequired}${approvers.length ? `: ${approvers.join(', ')}` : ''}`],
        ['Last check', check ? `${check.verdict} at ${check.stage}${check.judgement ? `, judged ${check.judgement.verdict}` : ''} (${check.at})` : 'none yet'],
        ['Outcome', s.failure ? `${s.outcome}: ${s.failure}` : s.outcome],
      ]),
    );
  }

  paused(paused: boolean): void {
    this.status.paused = paused;
    this.note(paused ? 'paused: traffic stays as it is and the checks go on; the window does not advance' : 'resumed');
    this.refreshDetails();
  }

  note(event: string, detail?: string): void {
    this.timeline.push({ at: new Date().toISOString(), event, ...(detail ? { detail } : {}) });
  }

  /** The last step and stage reached before the pipeline ended or began to unwind: where it stopped. */
  get stoppedAt(): string {
    return this.reached;
  }

  step(step: PipelineStep, stage: string | null = this.status.stage): void {
    this.status.step = step;
    this.status.stage = stage;
    if (step !== 'rolling_back') this.reached = stage ? `${step}:${stage}` : step;
    upsertSearchAttributes([{ key: PipelineStageKey, value: stage ? `${step}:${stage}` : step }]);
    this.note(`step ${step}${stage ? ` (${stage})` : ''}`);
    this.refreshDetails();
  }

  traffic(percent: number, shadowPercent: number): void {
    this.status.trafficPercent = percent;
    this.status.shadowPercent = shadowPercent;
    upsertSearchAttributes([{ key: TrafficPercentKey, value: Math.round(percent) }]);
    this.refreshDetails();
  }

  approval(record: ApprovalRecord): void {
    this.status.approvals.push(record);
    this.note(`${record.decision} by ${record.approver} ${record.accepted ? 'accepted' : `refused: ${record.reason}`}`);
    this.refreshDetails();
  }

  check(check: KpiCheck): void {
    this.checks.push(check);
    this.status.lastCheck = check;
    this.refreshDetails();
  }

  finish(outcome: Outcome, failure: string | null = null): void {
    this.status.outcome = outcome;
    this.status.failure = failure;
    this.status.step = 'done';
    // The stage keeps where the pipeline stopped, so a failed pipeline can be found by the stage it failed at.
    upsertSearchAttributes([
      { key: OutcomeKey, value: outcome },
      { key: PipelineStageKey, value: this.reached },
    ]);
    upsertMemo({ outcome, failure: failure ?? '', stoppedAt: this.reached });
    this.note(`finished: ${outcome}`, failure ?? undefined);
    this.refreshDetails();
  }

  document(cause: PipelineOutcomeDoc['cause']): PipelineOutcomeDoc {
    return {
      ref: this.ref,
      status: this.status,
      checks: this.checks,
      evidence: this.evidence,
      timeline: this.timeline,
      compensations: this.compensations,
      cause,
      ...this.rollout,
    };
  }
}
