import { ApplicationFailure } from '@temporalio/workflow';
import { FailureType } from '../../src/contracts/failures';
import type { IngestSummary } from '../../src/contracts/pipeline-activities';
import type { PipelineSpec, PipelineSpecInput } from '../../src/contracts/pipeline-spec';
import { evaluation } from './activity-options';
import { identityRefusal } from '../../src/policy/identity-refusal';
import type { PipelineRun } from './pipeline-run';

/** Ingest: the spec accepted with every default filled in, then the artifact and datasets read, checked and summed up. */
export async function ingest(run: PipelineRun, input: PipelineSpecInput): Promise<{ spec: PipelineSpec; ingested: IngestSummary }> {
  const spec = await run.steps.io.acceptSpec({ pipelineId: run.ref.pipelineId, spec: input });
  run.spec = spec;
  run.state.step('ingest');
  await proveSubmitter(run, spec);
  const ingested = await evaluation('ingest artifact and datasets').ingest({ ref: run.ref, spec });
  run.state.status.champion = ingested.champion?.version ?? null;
  await run.audit('ingest', 'pipeline.ingested', 'success', { ...ingested });
  return { spec, ingested };
}

/**
 * The submitter is whoever signed the start, checked before anything is read or changed: four-eyes is then judged on
 * a proven identity. An unproven start ends the pipeline as failed, audited with the reason.
 */
async function proveSubmitter(run: PipelineRun, spec: PipelineSpec): Promise<void> {
  if (!spec.signature && !run.requireSignatures) return;
  const identity = spec.signature ? await run.prove('start', spec.submitter, '', spec.signature) : null;
  const refusal = identityRefusal(identity, run.requireSignatures, 'start');
  await run.audit('start-signature', 'pipeline.submitter', refusal ? 'refused' : 'success', { submitter: spec.submitter, ...(identity ? { identity } : {}), ...(refusal ? { reason: refusal } : {}) }, `user:${spec.submitter}`);
  if (refusal) throw ApplicationFailure.nonRetryable(`the start is not proven: ${refusal}`, FailureType.Unauthorized);
}
