import { spawn } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { Command } from 'commander';
import type { Db } from 'mongodb';
import { pipelineDir, storedFiles, storedRollbackRuns } from '../../reports';
import type { CliContext } from '../context';
import { failure, usageError } from '../exit-codes';
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
    .option('--run <run-id>', 'with --rollback: that Temporal run\'s document, when the version was deployed more than once (default: the newest)')
    .option('--open', 'open it with xdg-open when available')
    .action(async (id: string, opts: { rollback?: boolean; run?: string; open?: boolean }) => {
      const workflowId = parsePipelineId(id);
      if (opts.run !== undefined && !opts.rollback) throw usageError('--run: only with --rollback (a version keeps one rollback document per run)');
      const what = opts.rollback ? 'rollback document' : 'performance report';
      const recorded = opts.rollback ? await rollbackMarkdown(await ctx.db(), workflowId, opts.run) : (await storedFiles(await ctx.db(), 'report', workflowId))?.html;
      const local = join(pipelineDir(ctx.env().REPORTS_DIR, workflowId), opts.rollback ? 'rollback.md' : 'report.html');
      const path = recorded ?? (opts.run === undefined && existsSync(local) ? local : undefined);
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

/** The newest run's rollback document, or the named run's; says on stderr which run it is when there were several. */
async function rollbackMarkdown(db: Db, workflowId: string, runId: string | undefined): Promise<string | undefined> {
  const runs = await storedRollbackRuns(db, workflowId);
  if (runId === undefined) {
    if (runs.length > 1) process.stderr.write(`newest of ${runs.length} runs' rollback documents (run ${runs[0]!.runId}); the others: ${runs.slice(1).map((r) => `--run ${r.runId}`).join(', ')}\n`);
    return runs[0]?.files.markdown;
  }
  const run = runs.find((r) => r.runId === runId);
  if (!run) throw failure(`--run ${runId}: no rollback document of ${workflowId} was written by that run${runs.length > 0 ? `; runs with one: ${runs.map((r) => r.runId ?? '(unrecorded)').join(', ')}` : ''}`);
  return run.files.markdown;
}
