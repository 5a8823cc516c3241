import { spawn } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { Command } from 'commander';
import { pipelineDir, storedFiles } from '../../reports';
import type { CliContext } from '../context';
import { failure } from '../exit-codes';
import { parsePipelineId } from '../pipeline-id';
import { print } from '../output';

function onPath(command: string): string | null {
  for (const dir of (process.env.PATH ?? '').split(delimiter).filter(Boolean)) {
    const candidate = join(dir, command);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return null;
}

export function reportCommand(program: Command, ctx: CliContext): void {
  program
    .command('report')
    .description('print the path of a pipeline\'s performance report (or, with --rollback, its rollback document)')
    .argument('<pipeline-id>', 'deploy-<model>-<version> or <model>@<version>')
    .option('--rollback', 'the rollback document (rollback.md) instead of the performance report')
    .option('--open', 'open it with xdg-open when available')
    .action(async (id: string, opts: { rollback?: boolean; open?: boolean }) => {
      const workflowId = parsePipelineId(id);
      const what = opts.rollback ? 'rollback document' : 'performance report';
      const files = await storedFiles(await ctx.db(), opts.rollback ? 'rollback' : 'report', workflowId);
      const recorded = opts.rollback ? files?.markdown : files?.html;
      const local = join(pipelineDir(ctx.env().REPORTS_DIR, workflowId), opts.rollback ? 'rollback.md' : 'report.html');
      const path = recorded ?? (existsSync(local) ? local : undefined);
      if (!path) throw failure(`no ${what} for pipeline ${workflowId}${opts.rollback ? ' (it is written when a pipeline fails or is rolled back)' : ''}`);
      if (!existsSync(path)) throw failure(`the ${what} of ${workflowId} was written to ${path}, which is not on this machine`);
      print(path);
      if (opts.open) {
        const opener = onPath('xdg-open');
        if (!opener) return;
        spawn(opener, [path], { detached: true, stdio: 'ignore' }).unref();
      }
    });
}
