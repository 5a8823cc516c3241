import { Command, CommanderError } from 'commander';
import { auditCommand } from './commands/audit';
import { approveCommand } from './commands/approve';
import { deployCommand } from './commands/deploy';
import { keysCommand } from './commands/keys';
import { listCommand } from './commands/list';
import { peopleCommand } from './commands/people';
import { drillCommand } from './commands/drill';
import { modelsCommand } from './commands/models';
import { monitorCommand } from './commands/monitor';
import { operatorCommands } from './commands/operator';
import { policyCommand } from './commands/policy';
import { registerCommand } from './commands/register';
import { rejectCommand } from './commands/reject';
import { reportCommand } from './commands/report';
import { routesCommand } from './commands/routes';
import { statusCommand } from './commands/status';
import { watchCommand } from './commands/watch';
import { createContext, type CliContext } from './context';
import { renderError } from './errors';
import { EXIT } from './exit-codes';

export function buildProgram(ctx: CliContext): Command {
  const program = new Command('modelship')
    .description('deploy recommendation models through the modelship pipeline (docs/cli.md)')
    .option('--debug', 'print stack traces with errors')
    .showHelpAfterError('(add --help for usage)')
    .exitOverride();
  registerCommand(program, ctx);
  deployCommand(program, ctx);
  approveCommand(program, ctx);
  rejectCommand(program, ctx);
  statusCommand(program, ctx);
  listCommand(program, ctx);
  watchCommand(program, ctx);
  operatorCommands(program, ctx);
  reportCommand(program, ctx);
  auditCommand(program, ctx);
  routesCommand(program, ctx);
  modelsCommand(program, ctx);
  policyCommand(program, ctx);
  monitorCommand(program, ctx);
  drillCommand(program, ctx);
  keysCommand(program, ctx);
  peopleCommand(program, ctx);
  program.addHelpText('after', '\nExit codes: 0 success, 1 failure (not found, refused, not promoted, server error), 2 bad usage or invalid input.\nSettings come from the environment (README.md, Configuration); MODELSHIP_USER is who you are.');
  return program;
}

export async function run(argv: string[]): Promise<number> {
  const ctx = createContext();
  const debug = argv.includes('--debug');
  try {
    await buildProgram(ctx).parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.OK;
  } catch (err) {
    const { message, exitCode } = renderError(err, debug);
    // Commander has already printed its own usage errors.
    if (!(err instanceof CommanderError)) process.stderr.write(`error: ${message}\n`);
    return exitCode;
  } finally {
    await ctx.close();
  }
}

/** Runs the CLI on process.argv and exits with its code (bin/modelship.js calls this). */
export function main(): void {
  void run(process.argv).then((code) => process.exit(code));
}

if (require.main === module) main();
