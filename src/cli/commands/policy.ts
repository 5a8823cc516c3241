import type { Command } from 'commander';
import { readSpecFile } from '../../client/read-spec';
import type { ModelPolicyInput } from '../../contracts/model-policy';
import { getModelPolicy, setModelPolicy } from '../../operations/policies';
import { scheduleDrill } from '../../operations/schedules';
import type { CliContext } from '../context';
import { print, printJson } from '../output';

export function policyCommand(program: Command, ctx: CliContext): void {
  const policy = program.command('policy').description("a model's operations policy: monitoring, rollback, drills and the auto-trigger template");
  policy
    .command('set')
    .description('replace the policy from a YAML or JSON file; a drill policy also (re)creates the drill schedule')
    .argument('<model>', 'model name')
    .requiredOption('--file <path>', 'policy file (docs/operations.md)')
    .option('--as <user>', 'who changes it (default MODELSHIP_USER)')
    .action(async (model: string, opts: { file: string; as?: string }) => {
      const db = await ctx.db();
      const env = ctx.env();
      const actor = `user:${ctx.identity(opts.as)}`;
      const saved = await setModelPolicy(db, await ctx.auditLog(), model, readSpecFile(opts.file) as ModelPolicyInput, actor);
      print(`policy of ${model} saved (revision ${saved.revision}): rollback ${saved.monitoring.rollback}, checks every ${saved.monitoring.checkInterval}`);
      if (saved.drill) {
        await scheduleDrill(await ctx.temporal(), env.TEMPORAL_TASK_QUEUE, model, saved.drill.every);
        print(`rollback drill scheduled every ${saved.drill.every}`);
      }
    });
  policy
    .command('show')
    .description('the policy in force, defaults included')
    .argument('<model>', 'model name')
    .option('--json', 'print as JSON')
    .action(async (model: string, opts: { json?: boolean }) => {
      const current = await getModelPolicy(await ctx.db(), model);
      if (opts.json) return printJson(current);
      const m = current.monitoring;
      print(`model       ${model} (revision ${current.revision}${current.updatedBy ? `, by ${current.updatedBy} at ${current.updatedAt}` : ', defaults'})`);
      print(`monitoring  every ${m.checkInterval} over ${m.window}; sustained after ${m.sustainedChecks} checks; rollback ${m.rollback}${m.approvers.length ? ` (approvers ${m.approvers.join(', ')})` : ''}`);
      print(`thresholds  ${Object.entries(m.thresholds).map(([k, v]) => `${k}=${v}`).join(' ')}`);
      print(`drift       maxPsi=${m.drift.maxPsi} maxColdShare=${m.drift.maxColdShare} minSamples=${m.drift.minSamples} action=${m.drift.action}`);
      print(`drill       ${current.drill ? `every ${current.drill.every}` : 'not scheduled'}`);
      print(`template    ${current.pipeline ? 'set (auto triggers start pipelines from it)' : 'none'}`);
    });
}
