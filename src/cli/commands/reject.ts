import type { Command } from 'commander';
import type { CliContext } from '../context';
import { decide } from '../decision';

export function rejectCommand(program: Command, ctx: CliContext): void {
  program
    .command('reject')
    .description('reject a pipeline that awaits approval (it ends as rejected)')
    .argument('<pipeline-id>', 'deploy-<model>-<version> or <model>@<version>; monitor-<model> for the rollback a monitor awaits')
    .requiredOption('--comment <text>', 'why; recorded in the audit log and the report')
    .option('--as <user>', 'who decides (default MODELSHIP_USER)')
    .action((id: string, opts: { comment: string; as?: string }) => decide(ctx, 'reject', id, opts));
}
