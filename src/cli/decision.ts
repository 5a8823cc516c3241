import { approveUpdate, rejectUpdate, statusQuery } from '../contracts/messages';
import { createRegistry } from '../registry';
import { actionTarget } from './action-target';
import type { CliContext } from './context';
import { EXIT, failure } from './exit-codes';
import { print } from './output';
import { sendUpdate } from './send-update';
import { signFor } from './signing';

/**
 * approve / reject: refuses at once on a finished pipeline; otherwise signs the decision with the sender's key and
 * sends it as an Update, which the workflow judges and audits, refused or not, and answers with its verdict; a refusal
 * exits non-zero with its reason. `monitor-<model>` decides on the rollback a monitor awaits instead.
 */
export async function decide(ctx: CliContext, decision: 'approve' | 'reject', rawId: string, opts: { comment: string; as?: string }): Promise<void> {
  const approver = ctx.identity(opts.as);
  const target = await actionTarget(ctx, rawId, decision);
  const { handle, model, version } = target;
  if (target.kind === 'monitor' && !version) throw failure(`the monitor of ${model} watches no champion; nothing to ${decision}`);
  const signature = await signFor(ctx.env(), createRegistry(await ctx.db()), { model, version, action: decision, comment: opts.comment, signer: approver, pipelineId: handle.workflowId });
  const input = { approver, comment: opts.comment, ...(signature ? { signature } : {}) };
  const answer = await sendUpdate(handle, decision === 'approve' ? approveUpdate : rejectUpdate, input, `${decision} by ${approver}`);
  if (!answer.accepted) throw failure(`${decision} by ${approver} refused by ${target.kind} ${handle.workflowId}: ${answer.reason}`);
  if (target.kind === 'monitor') print(`${answer.reason} (${handle.workflowId})`);
  else if (decision === 'reject') print(`rejection by ${approver} accepted for ${handle.workflowId}; the pipeline ends as rejected`);
  else {
    const status = await handle.query(statusQuery);
    const accepted = status.approvals.filter((a) => a.accepted && a.decision === 'approve').length;
    print(`approval by ${approver} accepted for ${handle.workflowId} (${accepted}/${status.approvalsRequired})`);
  }
  process.exitCode = EXIT.OK;
}
