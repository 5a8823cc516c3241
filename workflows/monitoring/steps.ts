import { proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { MonitorActivities } from '../../src/contracts/monitoring';
import { CONFIRM_SLACK_MS, type PipelineActivities } from '../../src/contracts/pipeline-activities';
import { fastIoOptions, mailOptions } from '../pipeline/activity-options';

/** Monitoring and drills only make short reads and writes, so their steps are local activities of the worker. */
export const steps = proxyLocalActivities<PipelineActivities & MonitorActivities>(fastIoOptions);

/**
 * Production checks, as ordinary activities: what the monitor does next (alert, roll back) follows from a check's
 * verdict, so the verdict is in the history before anything acts on it. A local activity's result is recorded only
 * with the workflow task that completes after it; a worker killed after the rollback it led to but before that task
 * completed would check again on replay, find production healthy because of that very rollback, and leave it
 * half-recorded.
 */
export const verdicts = proxyActivities<MonitorActivities>(fastIoOptions);

/** Mails, with the mail step's own timeout. */
export const mails = proxyLocalActivities<PipelineActivities>(mailOptions);

/** A revert polls the replicas until they serve it; it is bounded by its own timeout rather than the default. */
export function reverting(timeoutMs: number) {
  return proxyLocalActivities<MonitorActivities>({ ...fastIoOptions, startToCloseTimeout: timeoutMs + CONFIRM_SLACK_MS });
}
