import { allHandlersFinished, CancellationScope, condition } from '@temporalio/workflow';
import type { PipelineSpecInput } from '../../src/contracts/pipeline-spec';
import type { DeployModelResult } from '../../src/contracts/workflows';
import { seekApproval } from './approval';
import { passGates } from './gates';
import { installHandlers } from './handlers';
import { ingest } from './ingest';
import { PipelineRun } from './pipeline-run';
import { promote } from './promote';
import { rollOut } from './rollout';
import { unwind } from './unwind';

/**
 * The deployment pipeline: ingest, offline gates, durable approval, staged rollout with monitoring windows, and
 * promotion; or, on any failure, rejection or cancellation, every change undone in reverse so production is exactly
 * as it was.
 */
export async function deployModelWorkflow(input: PipelineSpecInput): Promise<DeployModelResult> {
  const run = new PipelineRun(input);
  installHandlers(run);
  try {
    const { spec, ingested } = await ingest(run, input);
    await passGates(run, spec, ingested);
    const approvers = await seekApproval(run, spec);
    const before = await rollOut(run, spec, ingested, approvers);
    return await promote(run, spec, ingested, before);
  } catch (err) {
    if (run.committed) throw err;
    return await CancellationScope.nonCancellable(() => unwind(run, err));
  } finally {
    if (run.lockHeld) await CancellationScope.nonCancellable(() => run.steps.io.releaseRolloutLock({ ref: run.ref }));
    // Every decision and action received is answered and audited before the run closes.
    await CancellationScope.nonCancellable(() => condition(allHandlersFinished));
  }
}
