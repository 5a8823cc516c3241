import { ApplicationFailure, condition } from '@temporalio/workflow';
import { FailureType } from '../../src/contracts/failures';
import type { PipelineSpec } from '../../src/contracts/pipeline-spec';
import { durationMs } from '../../src/contracts/primitives';
import { approvalRequested } from '../../src/notify/mail-texts/pipeline';
import { Deadline } from './deadline';
import { judgeDecision } from './decisions';
import type { PipelineRun } from './pipeline-run';

type ApprovalResult = { decision: 'approved'; approvers: string[] } | { decision: 'rejected'; by: string; comment: string } | { decision: 'expired' };

/**
 * Approval: asks the approvers and waits durably for N distinct approvals, one rejection, or the deadline, with one
 * reminder before it. Returns who approved; a rejection or an expiry ends the pipeline.
 */
export async function seekApproval(run: PipelineRun, spec: PipelineSpec): Promise<string[]> {
  await run.transition('awaiting_approval', 'offline gates passed');
  run.state.step('awaiting_approval', null);
  const deadlineMs = durationMs(spec.approval.deadline);
  const deadline = new Date(Date.now() + deadlineMs).toISOString();
  run.state.status.approvalsRequired = spec.approval.required;
  run.state.status.approvalDeadline = deadline;
  const { approvers, required } = spec.approval;
  const result = await whileAwaiting(run, async () => {
    await Promise.all([
      run.notify('approval-requested', approvalRequested(run.ref, spec, run.state.evidence, deadline)),
      run.audit('approval-requested', 'approval.requested', 'success', { approvers, required, deadline }),
    ]);
    return decide(run, spec, deadlineMs, () => run.notify('approval-reminder', approvalRequested(run.ref, spec, run.state.evidence, deadline, true)));
  });
  const settled = result.decision === 'approved' ? `${result.approvers.join(', ')} approved` : result.decision === 'rejected' ? `rejected by ${result.by}` : 'the deadline passed';
  await run.refuseOutOfTurn(`it arrived after the approval was settled (${settled})`);
  if (result.decision === 'approved') return result.approvers;
  const expired = result.decision === 'expired';
  const why = expired ? `approval deadline ${spec.approval.deadline} passed` : `rejected by ${result.by}: ${result.comment}`;
  await run.audit(expired ? 'approval-expired' : 'approval-rejected', expired ? 'approval.expired' : 'approval.rejected', 'refused', { reason: why });
  throw ApplicationFailure.nonRetryable(why, expired ? FailureType.ApprovalExpired : FailureType.ApprovalRejected);
}

/** Decisions that arrive meanwhile are stamped as awaited; any other time they are refused as out of turn. */
async function whileAwaiting<T>(run: PipelineRun, wait: () => Promise<T>): Promise<T> {
  run.controls.awaitingApproval = true;
  try {
    return await wait();
  } finally {
    run.controls.awaitingApproval = false;
  }
}

async function decide(run: PipelineRun, spec: PipelineSpec, deadlineMs: number, remind: () => Promise<void>): Promise<ApprovalResult> {
  const { state, controls } = run;
  const reminderMs = deadlineMs - durationMs(spec.approval.reminderBefore);
  const deadline = new Deadline('approval deadline');
  const reminder = new Deadline('approval reminder');
  let reminded = reminderMs <= 0;
  deadline.start(deadlineMs);
  if (!reminded) reminder.start(reminderMs);
  const remindDue = () => !reminded && reminder.passed;
  try {
    for (;;) {
      while (controls.unjudged) {
        const index = controls.judged++;
        const received = controls.decisions[index];
        const record = judgeDecision(received, spec, state.status.approvals, received.awaiting !== false, 'it arrived before approval was requested, while the offline gates ran');
        state.approval(record);
        await run.recordDecision(record, index);
        if (record.accepted && record.decision === 'reject') return { decision: 'rejected', by: record.approver, comment: record.comment };
      }
      const accepted = state.status.approvals.filter((r) => r.accepted && r.decision === 'approve');
      if (accepted.length >= spec.approval.required) return { decision: 'approved', approvers: accepted.map((r) => r.approver) };
      if (deadline.passed) return { decision: 'expired' };
      if (remindDue()) {
        reminded = true;
        await remind();
        continue;
      }
      await condition(() => controls.unjudged || deadline.passed || remindDue());
    }
  } finally {
    deadline.stop();
    reminder.stop();
  }
}
