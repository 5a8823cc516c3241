import type { Command } from 'commander';
import { ModelNameKey, ModelVersionKey, OutcomeKey, PipelineStageKey, TrafficPercentKey } from '../../contracts/search-attributes';
import type { CliContext } from '../context';
import { usageError } from '../exit-codes';
import { isoOrDash, print, printJson, table } from '../output';
import { deployModel } from '../../contracts/workflows';

const OUTCOMES = ['running', 'promoted', 'rolled_back', 'rejected', 'expired', 'failed', 'inconclusive'];

/** A visibility-query literal; values are checked, never spliced in with quotes. */
function literal(flag: string, value: string): string {
  if (!/^[A-Za-z0-9._:-]{1,128}$/.test(value)) throw usageError(`${flag} "${value}": must be letters, digits or ._:-`);
  return `'${value}'`;
}

export function listCommand(program: Command, ctx: CliContext): void {
  program
    .command('list')
    .description('pipelines, newest first, from a visibility query over the search attributes')
    .option('--model <name>', 'only this model (ModelName)')
    .option('--stage <stage>', 'only pipelines at this stage (PipelineStage)')
    .option('--outcome <outcome>', `only this outcome: ${OUTCOMES.join(', ')}`)
    .option('--limit <n>', 'at most this many', (v) => Number(v), 50)
    .option('--json', 'print as JSON')
    .action(async (opts: { model?: string; stage?: string; outcome?: string; limit: number; json?: boolean }) => {
      if (opts.outcome && !OUTCOMES.includes(opts.outcome)) throw usageError(`--outcome "${opts.outcome}": must be one of ${OUTCOMES.join(', ')}`);
      if (!Number.isInteger(opts.limit) || opts.limit <= 0) throw usageError('--limit: must be a positive integer');
      const clauses = [`WorkflowType = '${deployModel.name}'`];
      if (opts.model) clauses.push(`ModelName = ${literal('--model', opts.model)}`);
      if (opts.stage) clauses.push(`PipelineStage = ${literal('--stage', opts.stage)}`);
      if (opts.outcome) clauses.push(`Outcome = ${literal('--outcome', opts.outcome)}`);
      const query = clauses.join(' AND ');
      const client = await ctx.temporal();
      const rows = [];
      for await (const wf of client.workflow.list({ query })) {
        const sa = wf.typedSearchAttributes;
        rows.push({
          pipelineId: wf.workflowId,
          model: sa.get(ModelNameKey) ?? null,
          version: sa.get(ModelVersionKey) ?? null,
          stage: sa.get(PipelineStageKey) ?? null,
          trafficPercent: sa.get(TrafficPercentKey) ?? null,
          outcome: sa.get(OutcomeKey) ?? null,
          status: wf.status.name,
          startTime: wf.startTime.toISOString(),
          closeTime: wf.closeTime?.toISOString() ?? null,
        });
        if (rows.length >= opts.limit) break;
      }
      if (opts.json) return printJson(rows);
      if (!rows.length) return print(`no pipelines match ${query}`);
      print(table(
        ['pipeline', 'model', 'version', 'stage', 'traffic', 'outcome', 'status', 'started'],
        rows.map((r) => [r.pipelineId, r.model, r.version, r.stage, r.trafficPercent === null ? null : `${r.trafficPercent}%`, r.outcome, r.status, isoOrDash(r.startTime)]),
      ));
    });
}
