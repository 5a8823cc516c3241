import { workflowInfo } from '@temporalio/workflow';
import type { PipelineRef } from '../../src/contracts/pipeline-activities';

/**
 * The idempotency key of one step of this run. A version rolled back may be deployed again under the same workflow
 * id; its run id keeps the second run's routing changes, alias moves, transitions, audit events and mails from being
 * taken for retries of the first run's.
 */
export function stepKey(ref: PipelineRef, step: string): string {
  return `${ref.pipelineId}:${workflowInfo().runId}:${step}`;
}
