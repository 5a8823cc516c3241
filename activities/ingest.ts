import { ApplicationFailure } from '@temporalio/activity';
import { FailureType } from '../src/contracts/failures';
import type { DatasetSummary, IngestSummary, PipelineActivities } from '../src/contracts/pipeline-activities';
import { pipelineSpecSchema } from '../src/contracts/pipeline-spec';
import type { Interactions } from '../src/models';
import type { Registry } from '../src/registry';
import { asPermanent } from './failures';
import type { InputCache } from './inputs';
import { keepAlive } from './keep-alive';
import { describeIssues, formatIssues } from '../src/validation/issues';

function summarize(sha256: string, data: Interactions): DatasetSummary {
  return { sha256, rows: data.users.length, users: new Set(data.users).size, items: new Set(data.items).size };
}

export function createIngestActivities(registry: Registry, inputs: InputCache, allowUnsigned: boolean): Pick<PipelineActivities, 'acceptSpec' | 'ingest'> {
  return {
    async acceptSpec({ spec }) {
      const parsed = pipelineSpecSchema.safeParse(spec);
      if (!parsed.success) {
        const message = formatIssues(describeIssues(parsed.error, 'the spec'));
        throw ApplicationFailure.nonRetryable(`invalid pipeline spec: ${message}`, FailureType.InvalidSpec);
      }
      if (!parsed.data.approval.requireSignatures && !allowUnsigned) {
        const rule = 'may be false only on workers that allow unsigned decisions (MODELSHIP_ALLOW_UNSIGNED=true, a sandbox setting)';
        throw ApplicationFailure.nonRetryable(`invalid pipeline spec: approval.requireSignatures: ${rule}`, FailureType.InvalidSpec);
      }
      return parsed.data;
    },

    /** Checks the registered artifact (checksum, loadable, shape) and the datasets the spec names, once each. */
    async ingest(input): Promise<IngestSummary> {
      return keepAlive('ingest', () => ingestOne(registry, inputs, input));
    },
  };
}

async function ingestOne(registry: Registry, inputs: InputCache, { ref, spec }: Parameters<PipelineActivities['ingest']>[0]): Promise<IngestSummary> {
  try {
    const version = await registry.getVersion(ref.model, ref.version);
    if (!version) throw ApplicationFailure.nonRetryable(`model ${ref.model} has no registered version ${ref.version}`, FailureType.UnknownModel);
    const model = await inputs.model(version.artifact.sha256);
    const champion = (await registry.getAlias(ref.model, 'champion')).version;
    const championVersion = champion ? await registry.getVersion(ref.model, champion) : null;
    const recentSha = spec.datasets.recent ?? spec.datasets.validation;
    const [train, validation, recent] = await Promise.all([spec.datasets.train, spec.datasets.validation, recentSha].map((sha) => inputs.dataset(sha)));
    for (const [name, data] of Object.entries({ train, validation, recent })) {
      if (data.users.length === 0) throw ApplicationFailure.nonRetryable(`datasets.${name}: has no rows`, FailureType.BadDataset);
    }
    return {
      artifactSha256: version.artifact.sha256,
      kind: model.kind,
      dims: model.dims,
      users: model.userIds.length,
      items: model.itemIds.length,
      champion: championVersion ? { version: championVersion.version, sha256: championVersion.artifact.sha256 } : null,
      datasets: {
        train: summarize(spec.datasets.train, train),
        validation: summarize(spec.datasets.validation, validation),
        recent: summarize(recentSha, recent),
      },
    };
  } catch (err) {
    if (err instanceof ApplicationFailure) throw err;
    asPermanent(err);
  }
}
