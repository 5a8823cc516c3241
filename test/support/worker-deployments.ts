import type { Client } from '@temporalio/client';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Makes a build the current version of its Worker Deployment, as an operator does after rolling out a new worker
 * build (`temporal worker deployment set-current-version`). The version exists once a worker of it has polled, so the
 * call is repeated until the server knows it.
 */
export async function makeBuildCurrent(client: Client, namespace: string, deploymentName: string, buildId: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await client.workflowService.setWorkerDeploymentCurrentVersion({ namespace, deploymentName, buildId, identity: 'test', ignoreMissingTaskQueues: true });
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await sleep(200);
    }
  }
}
