import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { SmokeActivities } from '../src/contracts/workflows';
import type { SmokeResult } from '../src/contracts/workflows';

const { recordSmoke, sendSmokeMail } = proxyActivities<SmokeActivities>({
  startToCloseTimeout: '30s',
  retry: { maximumAttempts: 5, initialInterval: '1s' },
});

/** End-to-end check of Temporal, MongoDB and SMTP. */
export async function smokeWorkflow(recipient: string): Promise<SmokeResult> {
  const { workflowId } = workflowInfo();
  const { documentId } = await recordSmoke({ workflowId, recipient });
  const { messageId } = await sendSmokeMail({ workflowId, recipient });
  return { documentId, messageId };
}
