import { condition } from '@temporalio/workflow';
import { Deadline } from './deadline';
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
  const deadlineMs = durationMs(spec.approval.deadline);
  const reminderMs = deadlineMs - durationMs(spec.approval.reminderBefore);
  state.status.approvalsRequired = spec.approval.required;
  state.status.approvalDeadline = new Date(Date.now() + deadlineMs).toISOString();
  const deadline = new Deadline();
  const reminder = new Deadline();
  let reminded = reminderMs <= 0;
  deadline.start(deadlineMs);
  if (!reminded) reminder.start(reminderMs);
  const remindDue = () => !reminded && reminder.passed;
  try {
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
      if (deadline.passed) return { decision: 'expired' };
      if (remindDue()) {
        reminded = true;
        await ctx.remind();
        continue;
      }
      await condition(() => controls.unjudged || deadline.passed || remindDue());
    }
  } finally {
    deadline.stop();
    reminder.stop();
  }
}
