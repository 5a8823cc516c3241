import type { Command } from 'commander';
import { readSpecFile } from '../../client/read-spec';
import { checkRegistered, SPEC_FIELDS, type NamedAs } from '../../client/check-registered';
import { parseSpec, startPipeline } from '../../client/start-pipeline';
import { createRegistry } from '../../registry';
import type { CliContext } from '../context';
import { EXIT, usageError } from '../exit-codes';
import { collect, parseLoose, positiveInt, setPath } from '../options';
import { print, printJson } from '../output';
import { webUiLink } from '../../temporal/web-ui';
import { signFor } from '../signing';
import { describePipeline, followPipeline } from '../pipelines';

interface DeployOptions {
  model?: string;
  version?: string;
  train?: string;
  validation?: string;
  recent?: string;
  approver: string[];
  required?: number;
  deadline?: string;
  window?: string;
  checkInterval?: string;
  bake?: string;
  confirmTimeout?: string;
  stages?: string;
  notify: string[];
  set: string[];
  as?: string;
  watch?: boolean;
  json?: boolean;
}

const SPEC_FLAGS = ['model', 'version', 'train', 'validation', 'recent', 'required', 'deadline', 'window', 'checkInterval', 'bake', 'confirmTimeout', 'stages'] as const;

export function deployCommand(program: Command, ctx: CliContext): void {
  program
    .command('deploy')
    .description('start a deployment pipeline from a spec file, or from flags that build one')
    .argument('[spec-file]', 'pipeline spec, JSON or YAML (examples/pipeline-spec.yaml)')
    .option('--model <name>', 'model name (builds a spec)')
    .option('--version <semver>', 'registered version to deploy')
    .option('--train <sha256>', 'training dataset sha256 (as printed by register)')
    .option('--validation <sha256>', 'held-out dataset sha256')
    .option('--recent <sha256>', 'recent production interactions sha256 (default: validation)')
    .option('--approver <name>', 'an approver, repeatable', collect, [])
    .option('--required <n>', 'distinct approvals needed', positiveInt)
    .option('--deadline <duration>', 'approval deadline, e.g. 72h')
    .option('--window <duration>', 'monitoring window per stage, e.g. 10m')
    .option('--check-interval <duration>', 'KPI check interval, e.g. 30s')
    .option('--bake <duration>', 'bake window at 100%, e.g. 30m')
    .option('--confirm-timeout <duration>', 'time the gateway replicas get to confirm a routing change')
    .option('--stages <list>', 'rollout stages as name:kind:percent,... e.g. shadow:shadow:10,canary:traffic:5,full:traffic:100')
    .option('--notify <email>', 'mail recipient, repeatable', collect, [])
    .option('--set <path=value>', 'set any spec field, e.g. --set gates.scenarios.latencyBudgetP99Ms=50 (repeatable; also over a spec file)', collect, [])
    .option('--as <user>', 'submitter (default MODELSHIP_USER); with a spec file the file says who submits')
    .option('--watch', 'follow the pipeline until it ends (exit 0 only if promoted)')
    .option('--json', 'print {workflowId, started, webUi} as JSON')
    .addHelpText('after', '\nExamples:\n  modelship deploy spec.yaml --watch\n  modelship deploy --model movielens-als --version 1.1.0 --train 9f86... --validation 60303... --approver bob --window 10m')
    .action(async (specFile: string | undefined, opts: DeployOptions) => {
      const raw = specFile ? fromFile(specFile, opts) : fromFlags(opts, ctx);
      for (const assignment of opts.set) {
        const eq = assignment.indexOf('=');
        if (eq <= 0) throw usageError(`--set "${assignment}": must be path=value, e.g. rollout.window=10m`);
        setPath(raw, assignment.slice(0, eq).trim(), parseLoose(assignment.slice(eq + 1).trim()));
      }
      const env = ctx.env();
      // What the spec names must be registered: a pipeline that could only fail at ingest is not started.
      const spec = parseSpec(raw);
      const registry = createRegistry(await ctx.db());
      await checkRegistered(registry, spec, specFile ? SPEC_FIELDS : FLAGS);
      // The submitter signs the start; the pipeline proves it before anything else, and four-eyes rests on it.
      const signature = await signFor(env, registry, { model: spec.model, version: spec.version, action: 'start', comment: '', signer: spec.submitter });
      if (signature) raw.signature = signature;
      const client = await ctx.temporal();
      const { workflowId, started } = await startPipeline(client, raw, env.TEMPORAL_TASK_QUEUE);
      const webUi = webUiLink(env, workflowId);
      if (opts.json) printJson({ workflowId, started, webUi });
      else {
        print(started ? `started pipeline ${workflowId}` : `pipeline ${workflowId} already exists (running or finished); not started again`);
        print(`Web UI: ${webUi}`);
      }
      if (opts.watch) {
        const final = await followPipeline(await describePipeline(client, workflowId));
        if (final.outcome !== 'promoted') process.exitCode = EXIT.FAILURE;
      }
    });
}

/** The flags that name what `checkRegistered` looks up, for specs built from flags. */
const FLAGS: NamedAs = { model: '--model', version: '--version', train: '--train', validation: '--validation', recent: '--recent' };

function fromFile(path: string, opts: DeployOptions): Record<string, unknown> {
  const given = SPEC_FLAGS.filter((f) => opts[f] !== undefined);
  if (given.length || opts.approver.length || opts.notify.length) {
    throw usageError(`deploy: give a spec file or spec flags, not both (use --set to change a field of the file)`);
  }
  const raw = readSpecFile(path);
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw usageError(`spec ${path}: must be an object with the spec's fields`);
  return raw as Record<string, unknown>;
}

function fromFlags(opts: DeployOptions, ctx: CliContext): Record<string, unknown> {
  const missing = [
    ['--model', opts.model],
    ['--version', opts.version],
    ['--train', opts.train],
    ['--validation', opts.validation],
    ['--approver', opts.approver.length ? 'x' : undefined],
  ].filter(([, v]) => v === undefined).map(([flag]) => flag);
  if (missing.length) throw usageError(`deploy: give a spec file, or build one with flags; missing ${missing.join(', ')}`);
  const rollout: Record<string, unknown> = {};
  if (opts.window) rollout.window = opts.window;
  if (opts.checkInterval) rollout.checkInterval = opts.checkInterval;
  if (opts.bake) rollout.bake = opts.bake;
  if (opts.confirmTimeout) rollout.confirmTimeout = opts.confirmTimeout;
  if (opts.stages) rollout.stages = parseStages(opts.stages);
  const approval: Record<string, unknown> = { approvers: opts.approver };
  if (opts.required !== undefined) approval.required = opts.required;
  if (opts.deadline) approval.deadline = opts.deadline;
  return {
    specVersion: 1,
    model: opts.model,
    version: opts.version,
    submitter: ctx.identity(opts.as),
    datasets: { train: opts.train, validation: opts.validation, ...(opts.recent ? { recent: opts.recent } : {}) },
    approval,
    rollout,
    ...(opts.notify.length ? { notify: { recipients: opts.notify } } : {}),
  };
}

function parseStages(list: string): { name: string; kind: string; percent: number }[] {
  return list.split(',').map((item) => {
    const parts = item.trim().split(':');
    if (parts.length !== 3 || Number.isNaN(Number(parts[2]))) throw usageError(`--stages "${item}": must be name:kind:percent, e.g. canary:traffic:5`);
    return { name: parts[0], kind: parts[1], percent: Number(parts[2]) };
  });
}
