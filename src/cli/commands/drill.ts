import type { Command } from 'commander';
import { drillWorkflowId, type DrillResult } from '../../contracts/monitoring';
import { durationSchema } from '../../contracts/primitives';
import { scheduleDrill } from '../../operations/schedules';
import type { CliContext } from '../context';
import { failure, usageError } from '../exit-codes';
import { print, printJson } from '../output';
import { rollbackDrill, type RollbackDrillWorkflow } from '../../contracts/workflows';
import { ModelNameKey } from '../../contracts/search-attributes';
import { drillDescription } from '../../temporal/workflow-descriptions';

export function drillCommand(program: Command, ctx: CliContext): void {
  const drill = program.command('drill').description('rollback drills: prove that rollback works, away from production traffic');
  drill
    .command('run')
    .description('run a drill now and wait for its result; exit 1 if it failed')
    .argument('<model>', 'model name')
    .option('--json', 'print as JSON')
    .action(async (model: string, opts: { json?: boolean }) => {
      const client = await ctx.temporal();
      const result: DrillResult = await client.workflow.execute<RollbackDrillWorkflow>(rollbackDrill.name, {
        workflowId: `${drillWorkflowId(model)}-${Date.now()}`,
        taskQueue: ctx.env().TEMPORAL_TASK_QUEUE,
        args: [{ model }],
        typedSearchAttributes: [{ key: ModelNameKey, value: model }],
        ...drillDescription(model, 'modelship drill run'),
      });
      if (opts.json) printJson(result);
      else if (result.outcome === 'passed') print(`drill passed: ${model} ${result.from.version} -> ${result.to.version} served by ${result.replicas.join(', ')} in ${result.revertMs} ms`);
      if (result.outcome !== 'passed') throw failure(`drill failed: ${result.failure}`);
    });
  drill
    .command('schedule')
    .description('run the drill periodically with a Temporal Schedule (creating it again updates it)')
    .argument('<model>', 'model name')
    .option('--every <duration>', 'interval, e.g. 24h', '24h')
    .action(async (model: string, opts: { every: string }) => {
      if (!durationSchema.safeParse(opts.every).success) throw usageError(`--every: ${opts.every} must be a duration such as 30m, 24h or 7d`);
      const handle = await scheduleDrill(await ctx.temporal(), ctx.env().TEMPORAL_TASK_QUEUE, model, opts.every);
      print(`schedule ${handle.scheduleId}: rollback drill of ${model} every ${opts.every}`);
    });
}
