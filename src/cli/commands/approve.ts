import type { Command } from 'commander';
import type { CliContext } from '../context';
import { decide } from '../decision';

export function approveCommand(program: Command, ctx: CliContext): void {
  program
    .command('approve')
    .description('approve a pipeline that awaits approval')
    .argument('<pipeline-id>', 'deploy-<model>-<version> or <model>@<version>; monitor-<model> for the rollback a monitor awaits')
    .requiredOption('--comment <text>', 'why; recorded in the audit log and the report')
    .option('--as <user>', 'who decides (default MODELSHIP_USER)')
    .action((id: string, opts: { comment: string; as?: string }) => decide(ctx, 'approve', id, opts));
}
