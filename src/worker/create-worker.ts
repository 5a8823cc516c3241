import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../../activities';
import type { Env } from '../config';
import { temporalConnectionOptions } from '../temporal';

export const WORKFLOWS_PATH = require.resolve('../../workflows');

/**
 * With a build id, the worker joins its Worker Deployment and pins every workflow it starts to its build: a pipeline
 * finishes on the code it started on, so a changed pipeline needs no patch (docs/versioning.md).
 */
function deploymentOptions(env: Env): WorkerOptions['workerDeploymentOptions'] {
  if (!env.WORKER_BUILD_ID) return undefined;
  return {
    useWorkerVersioning: true,
    version: { deploymentName: env.WORKER_DEPLOYMENT_NAME, buildId: env.WORKER_BUILD_ID },
    defaultVersioningBehavior: 'PINNED',
  };
}

/** Builds a worker over injected dependencies so tests can run the real worker in-process. */
export async function createWorker(env: Env, deps: ActivityDeps, connection?: NativeConnection): Promise<Worker> {
  return Worker.create({
    connection: connection ?? (await NativeConnection.connect(temporalConnectionOptions(env))),
    namespace: env.TEMPORAL_NAMESPACE,
    taskQueue: env.TEMPORAL_TASK_QUEUE,
    workflowsPath: WORKFLOWS_PATH,
    activities: createActivities(deps),
    workerDeploymentOptions: deploymentOptions(env),
  });
}
