import { WorkflowNotFoundError } from '@temporalio/client';
import { approveUpdate, rejectUpdate, statusQuery } from '../contracts/messages';
import { monitorStatusQuery, monitorWorkflowId } from '../contracts/monitoring';
import { MODEL_NAME_PATTERN } from '../contracts/primitives';
import { createRegistry } from '../registry';
import type { CliContext } from './context';
import { EXIT, failure, usageError } from './exit-codes';
import { parsePipelineId } from './pipeline-id';
import { print } from './output';
import { describePipeline } from './pipelines';
import { sendUpdate } from './send-update';
import { signFor } from './signing';

/**
 * approve / reject: refuses at once on a finished pipeline; otherwise signs the decision with the sender's key and
 * sends it as an Update, which the workflow judges and audits, refused or not, and answers with its verdict; a refusal
 * exits non-zero with its reason. `monitor-<model>` decides on the rollback a monitor awaits instead.
 */
export async function decide(ctx: CliContext, decision: 'approve' | 'reject', rawId: string, opts: { comment: string; as?: string }): Promise<void> {
  if (rawId.trim().startsWith('monitor-')) return decideRollback(ctx, decision, rawId.trim().slice('monitor-'.length), opts);
  const workflowId = parsePipelineId(rawId);
  const approver = ctx.identity(opts.as);
  const info = await describePipeline(await ctx.temporal(), workflowId);
  if (!info.running) throw failure(`pipeline ${workflowId} is finished (${info.outcome}); nothing to ${decision}`);

  const { model, version } = await info.handle.query(statusQuery);
  const signature = await signFor(ctx.env(), createRegistry(await ctx.db()), { model, version, action: decision, comment: opts.comment, signer: approver });
  const input = { approver, comment: opts.comment, ...(signature ? { signature } : {}) };
  const answer = await sendUpdate(info.handle, decision === 'approve' ? approveUpdate : rejectUpdate, input, `${decision} by ${approver}`);
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

/** A rollback decision, signed for the champion the monitor would roll back. */
async function decideRollback(ctx: CliContext, decision: 'approve' | 'reject', model: string, opts: { comment: string; as?: string }): Promise<void> {
  if (!MODEL_NAME_PATTERN.test(model)) throw usageError(`monitor id "monitor-${model}": "${model}" is not a valid model name`);
  const approver = ctx.identity(opts.as);
  const handle = (await ctx.temporal()).workflow.getHandle(monitorWorkflowId(model));
  const status = await handle.query(monitorStatusQuery).catch((err: unknown) => {
    if (err instanceof WorkflowNotFoundError) throw failure(`no monitor runs for ${model}`);
    throw err;
  });
  if (!status.champion) throw failure(`the monitor of ${model} watches no champion; nothing to ${decision}`);
  const signature = await signFor(ctx.env(), createRegistry(await ctx.db()), { model, version: status.champion.version, action: decision, comment: opts.comment, signer: approver, pipelineId: handle.workflowId });
  const input = { approver, comment: opts.comment, ...(signature ? { signature } : {}) };
  const answer = await sendUpdate(handle, decision === 'approve' ? approveUpdate : rejectUpdate, input, `${decision} by ${approver}`);
  if (!answer.accepted) throw failure(`${decision} by ${approver} refused by ${handle.workflowId}: ${answer.reason}`);
  print(`${answer.reason} (${handle.workflowId})`);
}
