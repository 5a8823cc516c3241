import { proxyLocalActivities } from '@temporalio/workflow';
import type { MonitorActivities } from '../../src/contracts/monitoring';
import { CONFIRM_SLACK_MS, type PipelineActivities } from '../../src/contracts/pipeline-activities';
import { fastIoOptions, mailOptions } from '../pipeline/activity-options';

/** Monitoring and drills only make short reads and writes, so every step is a local activity of the worker. */
export const steps = proxyLocalActivities<PipelineActivities & MonitorActivities>(fastIoOptions);

/** Mails, with the mail step's own timeout. */
export const mails = proxyLocalActivities<PipelineActivities>(mailOptions);

/** A revert polls the replicas until they serve it; it is bounded by its own timeout rather than the default. */
export function reverting(timeoutMs: number) {
  return proxyLocalActivities<MonitorActivities>({ ...fastIoOptions, startToCloseTimeout: timeoutMs + CONFIRM_SLACK_MS });
}
