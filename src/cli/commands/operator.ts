import type { Command } from 'commander';
import type { UpdateDefinition } from '@temporalio/common';
import { abortUpdate, pauseUpdate, promoteUpdate, resumeUpdate, rollbackUpdate, type ActionAnswer, type OperatorAction, type OperatorActionKind } from '../../contracts/messages';
import type { CliContext } from '../context';
import { failure } from '../exit-codes';
import { print } from '../output';
import { actionTarget } from '../action-target';
import { sendUpdate } from '../send-update';
import { signFor } from '../signing';
import { createRegistry } from '../../registry';

const ACTIONS: Record<OperatorActionKind, { update: UpdateDefinition<ActionAnswer, [OperatorAction]>; description: string }> = {
  pause: { update: pauseUpdate, description: 'pause a rollout at its current stage (its windows stop counting), or a monitor (nothing alerts or rolls back)' },
  resume: { update: resumeUpdate, description: 'resume a paused rollout or monitor' },
  promote: { update: promoteUpdate, description: 'skip the remaining monitoring windows and promote now' },
  abort: { update: abortUpdate, description: 'stop the rollout and restore production as it was' },
  rollback: { update: rollbackUpdate, description: "roll a rollout's candidate back and restore production as it was, or a monitored champion back to its last known good version" },
};

/** pause, resume, promote, abort and rollback: one Update each, signed, carrying who acts and why, answered at once. */
export function operatorCommands(program: Command, ctx: CliContext): void {
  for (const [name, { update, description }] of Object.entries(ACTIONS) as [OperatorActionKind, (typeof ACTIONS)[OperatorActionKind]][]) {
    program
      .command(name)
      .description(description)
      .argument('<id>', 'deploy-<model>-<version> or <model>@<version>; monitor-<model> for a model in production')
      .option('--reason <text>', 'why; recorded in the pipeline and its documents', '')
      .option('--as <user>', 'who acts (default MODELSHIP_USER)')
      .action(async (id: string, opts: { reason: string; as?: string }) => {
        const actor = ctx.identity(opts.as);
        const { handle, kind, model, version } = await actionTarget(ctx, id, name);
        const signature = version ? await signFor(ctx.env(), createRegistry(await ctx.db()), { model, version, action: name, comment: opts.reason, signer: actor, pipelineId: handle.workflowId }) : undefined;
        const answer = await sendUpdate(handle, update, { actor, reason: opts.reason, ...(signature ? { signature } : {}) }, `${name} by ${actor}`);
        if (!answer.accepted) throw failure(`${name} by ${actor} refused by ${kind} ${handle.workflowId}: ${answer.reason}`);
        print(`${name} by ${actor} accepted for ${handle.workflowId}: ${answer.reason}`);
      });
  }
}
