// Starts a deployment pipeline from a spec file (JSON or YAML). Starting the same model version twice starts it once.
import { webUiLink } from '../src/temporal/web-ui';
import { startPipeline } from '../src/client/start-pipeline';
import { InputError } from '../src/validation/input-error';
import { readSpecFile } from '../src/client/read-spec';
import { config } from '../src/config';
import { connectClient } from '../src/temporal';

async function main(): Promise<void> {
  const path = process.argv[2];
  if (!path) throw new InputError('start-pipeline', [{ field: 'spec file', rule: 'must be given: start-pipeline <spec.yaml|spec.json>' }]);
  const env = config();
  const client = await connectClient(env);
  try {
    const { workflowId, started } = await startPipeline(client, readSpecFile(path), env.TEMPORAL_TASK_QUEUE);
    console.log(`${started ? 'started' : 'already started'}: ${workflowId}`);
    console.log(`Web UI: ${webUiLink(env, workflowId)}`);
  } finally {
    await client.connection.close();
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(err instanceof InputError ? 2 : 1);
});
