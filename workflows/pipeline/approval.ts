import { condition } from '@temporalio/workflow';
import type { PipelineSpec } from '../../src/contracts/pipeline-spec';
import { durationMs } from '../../src/contracts/primitives';
import type { ApprovalRecord } from '../../src/contracts/messages';
import { judgeDecision, type ReceivedDecision } from './decisions';
import type { Controls } from './controls';
import type { PipelineState } from './state';

export type ApprovalResult =
  | { decision: 'approved'; approvers: string[] }
  | { decision: 'rejected'; by: string; comment: string }
  | { decision: 'expired' };

export interface ApprovalContext {
  spec: PipelineSpec;
  state: PipelineState;
  controls: Controls;
  /** Audits every decision, accepted or refused. */
  record: (r: ApprovalRecord, index: number) => Promise<void>;
  remind: () => Promise<void>;
}

/** Waits durably for N distinct approvals, one rejection, or the deadline, with one reminder before it. */
export async function awaitApproval(ctx: ApprovalContext): Promise<ApprovalResult> {
  ctx.controls.awaitingApproval = true;
  try {
    return await decide(ctx);
  } finally {
    ctx.controls.awaitingApproval = false;
  }
}

async function decide(ctx: ApprovalContext): Promise<ApprovalResult> {
  const { spec, state, controls } = ctx;
  const inbox: ReceivedDecision[] = controls.decisions;
  const requestedAt = Date.now();
  const deadline = requestedAt + durationMs(spec.approval.deadline);
  const reminderAt = deadline - durationMs(spec.approval.reminderBefore);
  let reminded = reminderAt <= requestedAt;
  state.status.approvalsRequired = spec.approval.required;
  state.status.approvalDeadline = new Date(deadline).toISOString();

  for (;;) {
    while (controls.unjudged) {
      const index = controls.judged++;
      const received = inbox[index];
      const record = judgeDecision(received, spec, state.status.approvals, received.awaiting !== false, 'it arrived before approval was requested, while the offline gates ran');
      state.approval(record);
      await ctx.record(record, index);
      if (record.accepted && record.decision === 'reject') return { decision: 'rejected', by: record.approver, comment: record.comment };
    }
    const accepted = state.status.approvals.filter((r) => r.accepted && r.decision === 'approve');
    if (accepted.length >= spec.approval.required) return { decision: 'approved', approvers: accepted.map((r) => r.approver) };
    const now = Date.now();
    if (now >= deadline) return { decision: 'expired' };
    const wakeAt = reminded ? deadline : Math.min(reminderAt, deadline);
    await condition(() => controls.unjudged, wakeAt - now);
    if (!reminded && Date.now() >= reminderAt && !controls.unjudged) {
      reminded = true;
      await ctx.remind();
    }
  }
}
