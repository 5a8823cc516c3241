import { WorkflowNotFoundError } from '@temporalio/client';
import type { Command } from 'commander';
import { describeJudgement } from '../../verdicts/describe';
import { monitorStatusQuery, monitorWorkflowId } from '../../contracts/monitoring';
import type { CliContext } from '../context';
import { failure } from '../exit-codes';
import { print, printJson, table } from '../output';

export function monitorCommand(program: Command, ctx: CliContext): void {
  program
    .command('monitor')
    .description("continuous monitoring of a model in production: what it watches, its last check and its rollbacks")
    .argument('<model>', 'model name')
    .option('--json', 'print as JSON')
    .action(async (model: string, opts: { json?: boolean }) => {
      const client = await ctx.temporal();
      const s = await client.workflow
        .getHandle(monitorWorkflowId(model))
        .query(monitorStatusQuery)
        .catch((err: unknown) => {
          if (err instanceof WorkflowNotFoundError) throw failure(`no monitor runs for ${model}: monitoring starts when a pipeline promotes a version of it`);
          throw err;
        });
      if (opts.json) return printJson(s);
      print(`model           ${s.model} (${s.state})`);
      print(`champion        ${s.champion?.version ?? '-'}   last known good ${s.lastKnownGood?.version ?? '-'}   handed over by ${s.handedOverBy ?? '-'}`);
      if (s.paused) print(`paused          by ${s.paused.by} at ${s.paused.at}: ${s.paused.reason || 'no reason given'} (resume with modelship resume monitor-${s.model})`);
      print(`checks          ${s.checks} this run; breach streak ${s.breachStreak}${s.policy ? ` of ${s.policy.sustainedChecks}; rollback ${s.policy.rollback}` : ''}`);
      const c = s.lastCheck;
      if (c) {
        print(`last check      ${c.to} ${c.verdict}${c.reasons.length ? `: ${c.reasons.join('; ')}` : ''}`);
        if (c.kpi.judgement) for (const line of describeJudgement(c.kpi.judgement)) print(`  ${line}`);
        else print(table(['rule', 'value', 'threshold', 'verdict'], c.kpi.rules.map((r) => [r.rule, r.value, r.threshold, r.verdict])));
        print(`population      ${c.drift.samples} sampled, cold share ${c.drift.coldShare ?? '-'}, PSI ${c.drift.psi ?? '-'} (${c.drift.verdict})`);
      }
      if (s.rollbacks.length) print(table(['rolled back', 'to', 'at', 'revert ms', 'why'], s.rollbacks.map((r) => [r.from, r.to, r.at, r.revertMs, r.reason])));
    });
}
