import type { Command } from 'commander';
import type { CliContext } from '../context';
import { EXIT } from '../exit-codes';
import { parsePipelineId } from '../pipeline-id';
import { print } from '../output';
import { describePipeline, followPipeline } from '../pipelines';

export function watchCommand(program: Command, ctx: CliContext): void {
  program
    .command('watch')
    .description('follow a pipeline live until it ends; exit 0 if promoted, 1 otherwise')
    .argument('<pipeline-id>', 'deploy-<model>-<version> or <model>@<version>')
    .option('--interval <ms>', 'poll interval in milliseconds', (v) => Number(v), 500)
    .action(async (id: string, opts: { interval: number }) => {
      const info = await describePipeline(await ctx.temporal(), parsePipelineId(id));
      const final = await followPipeline(info, { intervalMs: Number.isFinite(opts.interval) && opts.interval >= 100 ? opts.interval : 500 });
      print(`pipeline ${final.pipelineId} ended: ${final.outcome}${final.failure ? ` (${final.failure})` : ''}`);
      process.exitCode = final.outcome === 'promoted' ? EXIT.OK : EXIT.FAILURE;
    });
}
