import type { Command } from 'commander';
import { abortSignal, pauseSignal, promoteSignal, resumeSignal, rollbackSignal, type OperatorAction } from '../../contracts/messages';
import type { SignalDefinition } from '@temporalio/common';
import type { CliContext } from '../context';
import { failure } from '../exit-codes';
import { parsePipelineId } from '../pipeline-id';
import { print } from '../output';
import { describePipeline } from '../pipelines';

const ACTIONS: Record<string, { signal: SignalDefinition<[OperatorAction]>; description: string }> = {
  pause: { signal: pauseSignal, description: 'pause the rollout at its current stage (monitoring windows stop counting)' },
  resume: { signal: resumeSignal, description: 'resume a paused rollout' },
  promote: { signal: promoteSignal, description: 'skip the remaining monitoring windows and promote now' },
  abort: { signal: abortSignal, description: 'stop the rollout and restore production as it was' },
  rollback: { signal: rollbackSignal, description: 'roll the candidate back and restore production as it was' },
};

/** pause, resume, promote, abort and rollback: one signal each, carrying who acts and why. */
export function operatorCommands(program: Command, ctx: CliContext): void {
  for (const [name, { signal, description }] of Object.entries(ACTIONS)) {
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
        await info.handle.signal(signal, { actor, reason: opts.reason });
        print(`${name} sent to ${workflowId} by ${actor}${opts.reason ? `: ${opts.reason}` : ''}`);
        if (name !== 'resume') print('it takes effect at the next monitoring check of the rollout; follow it with `modelship watch`');
      });
  }
}
