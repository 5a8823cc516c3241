import { ApplicationFailure } from '@temporalio/workflow';
import type { GateEvidence, GateName } from '../../src/contracts/evidence';
import { FailureType } from '../../src/contracts/failures';
import { failedOnlyOutsideModel } from '../../src/evaluation/checks';
import type { IngestSummary } from '../../src/contracts/pipeline-activities';
import type { PipelineSpec } from '../../src/contracts/pipeline-spec';
import { evaluation } from './activity-options';
import type { PipelineRun } from './pipeline-run';

const GATES: GateName[] = ['validation', 'scenarios', 'quality'];

function gateFailure(evidence: GateEvidence, verdict: string): string {
  return `${evidence.gate} gate ${verdict}: ${evidence.checks.filter((c) => c.verdict === 'fail').map((c) => c.summary).join('; ')}`;
}

/**
 * The offline gates. They are independent: run together they cost one round trip instead of three, and a failure
 * does not hide what the other gates would have said.
 */
export async function passGates(run: PipelineRun, spec: PipelineSpec, ingested: IngestSummary): Promise<void> {
  await run.transition('validating', 'offline gates started');
  run.state.step('gates');
  const evidence = await Promise.all(GATES.map((gate) => evaluation(`${gate} gate`).runGate({ ref: run.ref, gate, spec, ingest: ingested })));
  for (const e of evidence) {
    run.state.evidence.push(e);
    await run.audit(`gate:${e.gate}`, `gate.${e.gate}`, e.pass ? 'success' : 'failure', { pass: e.pass, checks: e.checks });
  }
  const failed = evidence.filter((e) => !e.pass);
  if (!failed.length) return;
  // Only when nothing failed because of the model is the failure not final: one model failure rejects the version.
  if (failedOnlyOutsideModel(failed.flatMap((e) => e.checks))) {
    const why = failed.map((e) => gateFailure(e, 'inconclusive')).join('; ');
    throw ApplicationFailure.nonRetryable(`${why}. The version is not rejected: run the same version again`, FailureType.GateInconclusive);
  }
  throw ApplicationFailure.nonRetryable(failed.map((e) => gateFailure(e, 'failed')).join('; '), FailureType.GateFailed);
}
