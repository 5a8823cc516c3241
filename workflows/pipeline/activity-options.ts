import { proxyActivities } from '@temporalio/workflow';
import { PERMANENT_FAILURES } from '../../src/contracts/failures';
import type { PipelineActivities } from '../../src/contracts/pipeline-activities';

const nonRetryableErrorTypes = [...PERMANENT_FAILURES];

/** Reads and writes of small documents: quick to time out, retried until the database is back (bounded at 30 min). */
export const fastIo = proxyActivities<PipelineActivities>({
  startToCloseTimeout: '30s',
  scheduleToCloseTimeout: '30m',
  retry: { initialInterval: '500ms', backoffCoefficient: 2, maximumInterval: '5s', nonRetryableErrorTypes },
});

/** Gates load artifacts and datasets and score thousands of users; they heartbeat while they work. */
export const evaluation = proxyActivities<PipelineActivities>({
  startToCloseTimeout: '15m',
  heartbeatTimeout: '1m',
  retry: { initialInterval: '2s', maximumInterval: '30s', maximumAttempts: 5, nonRetryableErrorTypes },
});

/** Routing changes decide how fast a rollback reverts traffic, so they retry quickly and often. */
export const routing = proxyActivities<PipelineActivities>({
  startToCloseTimeout: '15s',
  scheduleToCloseTimeout: '30m',
  retry: { initialInterval: '200ms', backoffCoefficient: 1.5, maximumInterval: '2s', nonRetryableErrorTypes },
});

/** Waiting for replicas to acknowledge a generation polls inside the activity, up to the spec's confirm timeout. */
export function confirming(timeoutMs: number) {
  return proxyActivities<PipelineActivities>({
    startToCloseTimeout: timeoutMs + 10_000,
    heartbeatTimeout: '10s',
    retry: { initialInterval: '1s', maximumAttempts: 3, nonRetryableErrorTypes },
  });
}
