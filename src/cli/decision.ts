import { approveUpdate, rejectUpdate, statusQuery } from '../contracts/messages';
import type { CliContext } from './context';
import { EXIT, failure } from './exit-codes';
import { parsePipelineId } from './pipeline-id';
import { print } from './output';
import { describePipeline } from './pipelines';
import { sendUpdate } from './send-update';

/**
 * approve / reject: refuses at once on a finished pipeline; otherwise sends the decision as an Update, which the
 * workflow judges and audits, refused or not, and answers with its verdict; a refusal exits non-zero with its reason.
 */
export async function decide(ctx: CliContext, decision: 'approve' | 'reject', rawId: string, opts: { comment: string; as?: string }): Promise<void> {
  const workflowId = parsePipelineId(rawId);
  const approver = ctx.identity(opts.as);
  const info = await describePipeline(await ctx.temporal(), workflowId);
  if (!info.running) throw failure(`pipeline ${workflowId} is finished (${info.outcome}); nothing to ${decision}`);

  const answer = await sendUpdate(info.handle, decision === 'approve' ? approveUpdate : rejectUpdate, { approver, comment: opts.comment }, `${decision} by ${approver}`);
  if (!answer.accepted) throw failure(`${decision} by ${approver} refused by pipeline ${workflowId}: ${answer.reason}`);
  if (decision === 'reject') {
    print(`rejection by ${approver} accepted for ${workflowId}; the pipeline ends as rejected`);
  } else {
    const status = await info.handle.query(statusQuery);
    const accepted = status.approvals.filter((a) => a.accepted && a.decision === 'approve').length;
    print(`approval by ${approver} accepted for ${workflowId} (${accepted}/${status.approvalsRequired})`);
  }
  process.exitCode = EXIT.OK;
}
