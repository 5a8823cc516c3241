import { Context } from '@temporalio/activity';

/** Well under the evaluation steps' heartbeat timeout (workflows/pipeline/activity-options.ts). */
const EVERY_MS = 10_000;

/**
 * Heartbeats while long work is under way. An evaluation's length grows with the users it ranks and with whatever else
 * the machine runs; a heartbeat only at milestones timed out on a busy machine, and each retry began the ranking
 * again. The heartbeat says the worker is alive; the step's start-to-close timeout still bounds the work.
 */
export async function keepAlive<T>(stage: string, work: () => Promise<T>): Promise<T> {
  const context = Context.current();
  if (context.info.isLocal) return work();
  const started = Date.now();
  context.heartbeat({ stage, elapsedMs: 0 });
  const timer = setInterval(() => context.heartbeat({ stage, elapsedMs: Date.now() - started }), EVERY_MS);
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}
