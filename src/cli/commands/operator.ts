import type { Command } from 'commander';
import type { UpdateDefinition } from '@temporalio/common';
import { abortUpdate, pauseUpdate, promoteUpdate, resumeUpdate, rollbackUpdate, type ActionAnswer, type OperatorAction, type OperatorActionKind } from '../../contracts/messages';
import type { CliContext } from '../context';
import { failure } from '../exit-codes';
import { parsePipelineId } from '../pipeline-id';
import { print } from '../output';
import { describePipeline } from '../pipelines';
import { sendUpdate } from '../send-update';
import { signFor } from '../signing';
import { createRegistry } from '../../registry';
import { statusQuery } from '../../contracts/messages';

const ACTIONS: Record<OperatorActionKind, { update: UpdateDefinition<ActionAnswer, [OperatorAction]>; description: string }> = {
  pause: { update: pauseUpdate, description: 'pause the rollout at its current stage (monitoring windows stop counting)' },
  resume: { update: resumeUpdate, description: 'resume a paused rollout' },
  promote: { update: promoteUpdate, description: 'skip the remaining monitoring windows and promote now' },
  abort: { update: abortUpdate, description: 'stop the rollout and restore production as it was' },
  rollback: { update: rollbackUpdate, description: 'roll the candidate back and restore production as it was' },
};

/** pause, resume, promote, abort and rollback: one Update each, carrying who acts and why, answered at once. */
export function operatorCommands(program: Command, ctx: CliContext): void {
  for (const [name, { update, description }] of Object.entries(ACTIONS)) {
    program
      .command(name)
      .description(description)
      .argument('<pipeline-id>', 'deploy-<model>-<version> or <model>@<version>')
      .option('--reason <text>', 'why; recorded in the pipeline and its documents', '')
      .option('--as <user>', 'who acts (default MODELSHIP_USER)')
      .action(async (id: string, opts: { reason: string; as?: string }) => {
        const workflowId = parsePipelineId(id);
        const actor = ctx.identity(opts.as);
        const info = await describePipeline(await ctx.temporal(), workflowId);
        if (!info.running) throw failure(`pipeline ${workflowId} is finished (${info.outcome}); nothing to ${name}`);
        const { model, version } = await info.handle.query(statusQuery);
        const signature = await signFor(ctx.env(), createRegistry(await ctx.db()), { model, version, action: name as OperatorActionKind, comment: opts.reason, signer: actor });
        const answer = await sendUpdate(info.handle, update, { actor, reason: opts.reason, ...(signature ? { signature } : {}) }, `${name} by ${actor}`);
        if (!answer.accepted) throw failure(`${name} by ${actor} refused by pipeline ${workflowId}: ${answer.reason}`);
        print(`${name} by ${actor} accepted for ${workflowId}: ${answer.reason}`);
      });
  }
}
