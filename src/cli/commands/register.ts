import { statSync } from 'node:fs';
import { basename } from 'node:path';
import type { Command } from 'commander';
import { artifactSha256, carriedProvenance } from '../../models';
import { createRegistry, ensureIndexes, registerArtifact, uploadDataset, type ModelVersion } from '../../registry';
import { triggerOnRegistration } from '../../operations/trigger';
import { signFor } from '../signing';
import { adoptProvenance } from '../adopt-provenance';
import { checkArtifact, checkDataset } from '../check-inputs';
import { checkMetadata, METADATA_MAX_BYTES } from '../check-metadata';
import type { CliContext } from '../context';
import { failure, usageError } from '../exit-codes';
import { collect, keyValues, parseLoose, readBytes, readJsonFile } from '../options';
import { print, printJson } from '../output';

interface RegisterOptions {
  model: string;
  version: string;
  trainData?: string;
  validationData?: string;
  metadata?: string;
  trainingDataVersion?: string;
  codeVersion?: string;
  hyperparameters?: string;
  metric: string[];
  description?: string;
  createModel?: boolean;
  owner?: string;
  trigger?: string;
  as?: string;
  json?: boolean;
}

export function registerCommand(program: Command, ctx: CliContext): void {
  program
    .command('register')
    .description('upload a model artifact (and its datasets) and register the version')
    .argument('<artifact-file>', 'the model artifact (docs/model-format.md)')
    .requiredOption('--model <name>', 'model name')
    .requiredOption('--version <semver>', 'version to register, major.minor.patch')
    .option('--train-data <csv>', 'upload the training interactions; prints the sha256 to name in a spec')
    .option('--validation-data <csv>', 'upload the held-out interactions; prints the sha256 to name in a spec')
    .option('--metadata <file>', 'version metadata as JSON (trainingDataVersion, hyperparameters, codeVersion, metrics, ...)')
    .option('--training-data-version <id>', 'metadata.trainingDataVersion (default: the uploaded training data sha256)')
    .option('--code-version <id>', 'metadata.codeVersion, e.g. a git commit')
    .option('--hyperparameters <json>', 'metadata.hyperparameters as a JSON object')
    .option('--metric <k=v>', 'metadata.metrics entry, repeatable', collect, [])
    .option('--description <text>', 'metadata.description')
    .option('--create-model', 'create the model if it does not exist (needs --owner)')
    .option('--owner <team>', 'owner of a model created with --create-model')
    .option('--trigger <policy>', 'trigger of a model created with --create-model: manual, or auto to start a pipeline on each registration', 'manual')
    .option('--as <user>', 'who registers (default MODELSHIP_USER, else the OS user)')
    .option('--json', 'print the result as JSON')
    .addHelpText('after', '\nExample:\n  modelship register model.msa --model movielens-als --version 1.1.0 --train-data train.csv \\\n    --validation-data heldout.csv --code-version 3f2c1a9 --hyperparameters \'{"factors":16}\' --metric ndcg@10=0.21')
    .action(async (artifactFile: string, opts: RegisterOptions) => {
      if (opts.createModel && !opts.owner) throw usageError('--create-model needs --owner TEAM');
      const actor = `user:${opts.as ?? ctx.env().MODELSHIP_USER ?? (process.env.USER || 'unknown')}`;
      const bytes = readBytes(artifactFile, 'artifact');
      const metadata = buildMetadata(opts);
      // Everything is loaded and checked as the pipeline will before anything is stored.
      await checkArtifact(artifactFile, bytes);
      adoptProvenance(metadata, carriedProvenance(bytes), flagFields(opts), opts.metadata);
      const trainBytes = opts.trainData ? readBytes(opts.trainData, 'training data') : undefined;
      const validationBytes = opts.validationData ? readBytes(opts.validationData, 'validation data') : undefined;
      if (trainBytes) await checkDataset('--train-data', opts.trainData!, trainBytes);
      if (validationBytes) await checkDataset('--validation-data', opts.validationData!, validationBytes);
      // The training data's sha256 stands in for a missing training data version; any value of that form checks alike.
      checkMetadata({ ...metadata, ...(metadata.trainingDataVersion === undefined && trainBytes ? { trainingDataVersion: 'f'.repeat(64) } : {}) }, flagFields(opts), opts.metadata);

      const db = await ctx.db();
      await ensureIndexes(db);
      const registry = createRegistry(db);
      let modelCreated = false;
      if (!(await registry.getModel(opts.model))) {
        if (!opts.createModel) throw failure(`model: no model named "${opts.model}"; pass --create-model --owner TEAM to create it`);
        await registry.createModel({ name: opts.model, owner: opts.owner!, trigger: opts.trigger as 'auto' | 'manual', actor });
        modelCreated = true;
      }
      const datasets: { train?: string; validation?: string } = {};
      if (trainBytes) datasets.train = await uploadDataset(registry, trainBytes);
      if (validationBytes) datasets.validation = await uploadDataset(registry, validationBytes);
      if (metadata.trainingDataVersion === undefined && datasets.train) metadata.trainingDataVersion = datasets.train;

      // The same registration again (same bytes, metadata and user) is a retry: it answers as the first time did, and
      // a trigger the first attempt could not fire is fired now. Anything else under the same version is refused.
      const key = `register:${opts.model}:${opts.version}:${artifactSha256(Buffer.from(JSON.stringify([artifactSha256(bytes), metadata, actor])))}`;
      const version: ModelVersion = await registerArtifact(registry, { model: opts.model, version: opts.version, bytes, metadata: metadata as never, createdBy: actor, key });
      const env = ctx.env();
      const signStart = (submitter: string) => signFor(env, registry, { model: version.model, version: version.version, action: 'start', comment: '', signer: submitter });
      const trigger = await triggerOnRegistration(db, await ctx.temporal(), env.TEMPORAL_TASK_QUEUE, version.model, version.version, signStart);
      const result = {
        model: version.model,
        version: version.version,
        status: version.status,
        sha256: version.artifact.sha256,
        length: version.artifact.length,
        modelCreated,
        datasets,
        trigger,
      };
      if (opts.json) return printJson(result);
      if (modelCreated) print(`created model ${opts.model} (owner ${opts.owner})`);
      if (datasets.train) print(`dataset train       sha256 ${datasets.train}  (${basename(opts.trainData!)})`);
      if (datasets.validation) print(`dataset validation  sha256 ${datasets.validation}  (${basename(opts.validationData!)})`);
      print(`registered ${result.model}@${result.version} (status ${result.status})`);
      print(`artifact sha256 ${result.sha256}  (${result.length} bytes)`);
      if (!trigger.triggered) print(`no pipeline started: ${trigger.reason}`);
      else print(`${trigger.started ? 'started' : 'already started:'} pipeline ${trigger.workflowId} (trigger auto)`);
    });
}


/** The metadata fields the flags set, over what a --metadata file says. */
function flagFields(opts: RegisterOptions): Set<string> {
  const set: [string, unknown][] = [['trainingDataVersion', opts.trainingDataVersion], ['codeVersion', opts.codeVersion], ['hyperparameters', opts.hyperparameters], ['metrics', opts.metric.length || undefined], ['description', opts.description]];
  return new Set(set.filter(([, v]) => v !== undefined).map(([k]) => k));
}

function buildMetadata(opts: RegisterOptions): Record<string, unknown> {
  if (opts.metadata) {
    const size = fileSize(opts.metadata);
    if (size !== undefined && size > METADATA_MAX_BYTES) throw usageError(`--metadata ${opts.metadata}: the file is ${size} bytes; version metadata may be at most ${METADATA_MAX_BYTES} bytes (256 KiB)`);
  }
  const base = opts.metadata ? readJsonFile(opts.metadata, 'metadata') : {};
  if (typeof base !== 'object' || base === null || Array.isArray(base)) throw usageError(`metadata ${opts.metadata}: must be a JSON object`);
  const metadata: Record<string, unknown> = { hyperparameters: {}, metrics: {}, ...(base as Record<string, unknown>) };
  if (opts.trainingDataVersion) metadata.trainingDataVersion = opts.trainingDataVersion;
  if (opts.codeVersion) metadata.codeVersion = opts.codeVersion;
  if (opts.hyperparameters) {
    const hp = parseLoose(opts.hyperparameters);
    if (typeof hp !== 'object' || hp === null || Array.isArray(hp)) throw usageError('--hyperparameters: must be a JSON object, e.g. \'{"factors":16}\'');
    metadata.hyperparameters = hp;
  }
  if (opts.metric.length) metadata.metrics = { ...(metadata.metrics as object), ...keyValues(opts.metric, '--metric', true) };
  if (opts.description) metadata.description = opts.description;
  return metadata;
}

/** The file's size, or undefined when it cannot be read: reading it then says why. */
function fileSize(path: string): number | undefined {
  try {
    return statSync(path).size;
  } catch {
    return undefined;
  }
}
