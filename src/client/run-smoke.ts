import { webUiLink } from '../temporal/web-ui';
import { config } from '../config';
import { connectClient } from '../temporal';
import { smoke, type SmokeWorkflow } from '../contracts/workflows';

/** Client entry point: runs the smoke workflow on the configured Temporal and prints what happened. */
async function main(): Promise<void> {
  const env = config();
  const client = await connectClient(env);
  const workflowId = `smoke-${new Date().toISOString().replace(/[:.]/g, '-')}`;
  const recipient = process.argv[2] ?? 'ops@modelship.local';
  console.log(`starting ${workflowId}`);
  const result = await client.workflow.execute<SmokeWorkflow>(smoke.name, {
    workflowId,
    taskQueue: env.TEMPORAL_TASK_QUEUE,
    args: [recipient],
    workflowExecutionTimeout: '2m',
  });
  console.log(`document smoke/${result.documentId} written, mail ${result.messageId} sent to ${recipient}`);
  console.log(`Web UI: ${webUiLink(env, workflowId)}`);
  console.log(`Inbox:  ${env.MAIL_INBOX_URL}`);
  await client.connection.close();
}

main().catch((err) => {
  console.error(`smoke run failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
