import type { IngestSummary } from '../../src/contracts/pipeline-activities';
import type { PipelineSpec, PipelineSpecInput } from '../../src/contracts/pipeline-spec';
import { evaluation } from './activity-options';
import type { PipelineRun } from './pipeline-run';

/** Ingest: the spec accepted with every default filled in, then the artifact and datasets read, checked and summed up. */
export async function ingest(run: PipelineRun, input: PipelineSpecInput): Promise<{ spec: PipelineSpec; ingested: IngestSummary }> {
  const spec = await run.steps.io.acceptSpec({ pipelineId: run.ref.pipelineId, spec: input });
  run.spec = spec;
  run.state.step('ingest');
  const ingested = await evaluation('ingest artifact and datasets').ingest({ ref: run.ref, spec });
  run.state.status.champion = ingested.champion?.version ?? null;
  await run.audit('ingest', 'pipeline.ingested', 'success', { ...ingested });
  return { spec, ingested };
}
