import type { Command } from 'commander';
import type { CliContext } from '../context';
import { parsePipelineId } from '../pipeline-id';
import { print, printJson } from '../output';
import { webUiLink } from '../../temporal/web-ui';
import { describePipeline, readStatus, renderStatus } from '../pipelines';

export function statusCommand(program: Command, ctx: CliContext): void {
  program
    .command('status')
    .description('one snapshot of a pipeline: step, stage, traffic, last KPI check, approvals, deadline')
    .argument('<pipeline-id>', 'deploy-<model>-<version> or <model>@<version>')
    .option('--json', 'print the status query result as JSON')
    .action(async (id: string, opts: { json?: boolean }) => {
      const workflowId = parsePipelineId(id);
      const info = await describePipeline(await ctx.temporal(), workflowId);
      const status = await readStatus(info);
      if (opts.json) return printJson({ ...status, workflowStatus: info.description.status.name });
      print(renderStatus(status));
      print(`Web UI     ${webUiLink(ctx.env(), workflowId)}`);
    });
}
