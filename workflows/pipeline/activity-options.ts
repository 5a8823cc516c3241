import { proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import { PERMANENT_FAILURES } from '../../src/contracts/failures';
import { CONFIRM_SLACK_MS } from '../../src/contracts/pipeline-activities';
import type { MonitorActivities } from '../../src/contracts/monitoring';
import type { PipelineActivities as PipelineSteps } from '../../src/contracts/pipeline-activities';

type PipelineActivities = PipelineSteps & Pick<MonitorActivities, 'handOverMonitoring' | 'readAliases'>;

const nonRetryableErrorTypes = [...PERMANENT_FAILURES];


export const fastIoOptions = {
  startToCloseTimeout: '30s',
  scheduleToCloseTimeout: '30m',
  retry: { initialInterval: '500ms', backoffCoefficient: 2, maximumInterval: '5s', nonRetryableErrorTypes },
} as const;

/** One mail: the SMTP client gives up within 5 s (src/notify/mailer.ts), so an attempt whose worker died is retried
 *  after 10 s rather than after the 30 s a database step may take. */
export const mailOptions = { ...fastIoOptions, startToCloseTimeout: '10s' } as const;

/** Mails the rollout does not wait for, as ordinary activities (see Background). */
export const backgroundMail = proxyActivities<PipelineActivities>(mailOptions);

/**
 * Reads of what the run will later undo to (the routing before the rollout, the aliases before the promotion), as
 * ordinary activities: their result is in the history before the run changes anything. As local activities they
 * would be recorded only with the workflow task that also runs the changes, and a worker that died after the changes
 * but before that task completed would read again on replay, and take its own changes for the state to restore.
 */
export const snapshot = proxyActivities<PipelineActivities>(fastIoOptions);

/**
 * Audits of what people send (decisions, operator actions), as ordinary activities: they run from message handlers,
 * alongside the main loop's local activities, and a local activity's result is matched on replay in the order it was
 * recorded, which concurrent handlers do not keep.
 */
export const messageAudit = proxyActivities<PipelineActivities>(fastIoOptions);

/** Signature checks of what people send, from message handlers too, so ordinary activities for the same reason. */
export const identityCheck = proxyActivities<PipelineActivities>({ ...fastIoOptions, summary: 'verify signature' });

/** Gates load artifacts and datasets and score thousands of users; they heartbeat while they work. The summary names
 *  the step in the Web UI. */
export function evaluation(summary: string) {
  return proxyActivities<PipelineActivities>({
    startToCloseTimeout: '15m',
    heartbeatTimeout: '1m',
    retry: { initialInterval: '2s', maximumInterval: '30s', maximumAttempts: 5, nonRetryableErrorTypes },
    summary,
  });
}

const routingOptions = {
  startToCloseTimeout: '15s',
  scheduleToCloseTimeout: '30m',
  retry: { initialInterval: '200ms', backoffCoefficient: 1.5, maximumInterval: '2s', nonRetryableErrorTypes },
} as const;

/**
 * The short steps (audit, mail, status, aliases, routing writes and confirmations, KPI reads) take milliseconds, while
 * a round trip through the server per activity took longer than the steps themselves. As local activities they run in
 * the worker that runs the workflow, with the same timeouts and retries, and their results are recorded with the next
 * workflow task. Every one of them is idempotent by key, so a worker crash that replays them changes nothing.
 * Reads of small documents are retried until the database is back (bounded at 30 min); routing changes decide how
 * fast a rollback reverts traffic, so they retry quickly and often. Those that move the rollout carry a summary the
 * Web UI shows.
 * A confirmation polls the replicas inside the activity, up to the spec's confirm timeout, and is an ordinary activity:
 * a local activity holds the workflow task while it runs, so a decision or an operator action sent while a replica
 * lags would wait for it (seen: an approval answered after 32 s).
 * KPI checks are the exception too, ordinary activities: the stage changes and the rollback that follow a verdict must
 * follow the verdict recorded in the history. As local activities, a worker killed after acting on a check but before
 * its task completed would check again on replay, over another window and on a production that its own action
 * already changed.
 */
export function stepActivities() {
  return {
    io: proxyLocalActivities<PipelineActivities>(fastIoOptions),
    mail: proxyLocalActivities<PipelineActivities>(mailOptions),
    routing: (summary: string) => proxyLocalActivities<PipelineActivities>({ ...routingOptions, summary }),
    confirming: (timeoutMs: number, summary: string) =>
      proxyActivities<PipelineActivities>({ startToCloseTimeout: timeoutMs + CONFIRM_SLACK_MS, retry: { initialInterval: '1s', maximumAttempts: 3, nonRetryableErrorTypes }, summary }),
    checking: (summary: string) => proxyActivities<PipelineActivities>({ ...fastIoOptions, summary }),
  };
}
