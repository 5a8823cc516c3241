import type { Client } from '@temporalio/client';
import { monitorWorkflowId } from '../../src/contracts/monitoring';

/** A promotion starts the model's monitor, which would otherwise outlive the test on the shared server. */
export async function stopMonitor(client: Client, model: string): Promise<void> {
  await client.workflow.getHandle(monitorWorkflowId(model)).terminate('test finished').catch(() => undefined);
}
