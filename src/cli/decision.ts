import { approveSignal, rejectSignal, statusQuery, type ApprovalRecord } from '../contracts/messages';
import type { CliContext } from './context';
import { EXIT, failure } from './exit-codes';
import { parsePipelineId } from './pipeline-id';
import { print } from './output';
import { describePipeline, sleep } from './pipelines';

/**
 * approve / reject: refuses at once on a finished pipeline; otherwise always sends the signal (so the workflow judges
 * and audits every attempt, including refused ones) and waits briefly for its verdict, exiting non-zero on a refusal.
 */
export async function decide(ctx: CliContext, decision: 'approve' | 'reject', rawId: string, opts: { comment: string; as?: string }): Promise<void> {
  const workflowId = parsePipelineId(rawId);
  const approver = ctx.identity(opts.as);
  const info = await describePipeline(await ctx.temporal(), workflowId);
  if (!info.running) throw failure(`pipeline ${workflowId} is finished (${info.outcome}); nothing to ${decision}`);
  const notListed = info.approvers.length > 0 && !info.approvers.includes(approver);

  const before = (await info.handle.query(statusQuery)).approvals.length;
  await info.handle.signal(decision === 'approve' ? approveSignal : rejectSignal, { approver, comment: opts.comment });

  let record: ApprovalRecord | undefined;
  for (let i = 0; i < 40 && !record; i++) {
    await sleep(250);
    const status = await info.handle.query(statusQuery).catch(() => null);
    record = status?.approvals.slice(before).find((a) => a.approver === approver && a.decision === decision);
    if (status && !record && status.outcome !== 'running') break;
  }
  if (record && !record.accepted) {
    throw failure(`${decision} by ${approver} refused by pipeline ${workflowId}: ${record.reason ?? 'no reason given'}`);
  }
  if (!record && notListed) {
    throw failure(`${approver} is not an approver of pipeline ${workflowId} (approvers: ${info.approvers.join(', ')}); the attempt was sent and will be audited as refused`);
  }
  if (!record) {
    print(`${decision} by ${approver} sent to ${workflowId}; the pipeline has not recorded it yet`);
    return;
  }
  const status = await info.handle.query(statusQuery);
  const accepted = status.approvals.filter((a) => a.accepted && a.decision === 'approve').length;
  print(decision === 'approve'
    ? `approval by ${approver} accepted for ${workflowId} (${accepted}/${status.approvalsRequired})`
    : `rejection by ${approver} accepted for ${workflowId}; the pipeline ends as rejected`);
  process.exitCode = EXIT.OK;
}
