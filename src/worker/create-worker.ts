import { NativeConnection, Worker } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../../activities';
import type { Env } from '../config';
import { temporalConnectionOptions } from '../temporal';

export const WORKFLOWS_PATH = require.resolve('../../workflows');

/** Builds a worker over injected dependencies so tests can run the real worker in-process. */
export async function createWorker(env: Env, deps: ActivityDeps, connection?: NativeConnection): Promise<Worker> {
  return Worker.create({
    connection: connection ?? (await NativeConnection.connect(temporalConnectionOptions(env))),
    namespace: env.TEMPORAL_NAMESPACE,
    taskQueue: env.TEMPORAL_TASK_QUEUE,
    workflowsPath: WORKFLOWS_PATH,
    activities: createActivities(deps),
  });
}
