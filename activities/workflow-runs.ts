import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { abortSignal } from '../src/contracts/messages';
import type { IsClosed } from '../src/routing';

/** A run is closed when the server says it is no longer running, or no longer knows it. */
export function closedRunProbe(client: Client): IsClosed {
  return async ({ workflowId, runId }) => {
    try {
      const described = await client.workflow.getHandle(workflowId, runId).describe();
      return described.status.name !== 'RUNNING';
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return true;
      throw err;
    }
  };
}

/** Asks a running pipeline to abort its rollout; a pipeline that has already ended needs nothing. */
export async function signalAbort(client: Client, workflowId: string, actor: string, reason: string): Promise<boolean> {
  try {
    await client.workflow.getHandle(workflowId).signal(abortSignal, { actor, reason });
    return true;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return false;
    throw err;
  }
}
