import { NativeConnection, Worker } from '@temporalio/worker';
import { WORKFLOWS_PATH } from '../../../src/worker';
import { fileWorldActivities } from './file-world';

/** A monitor worker in its own process, to be killed with SIGKILL mid-rollback: `doomed-worker ADDRESS QUEUE FILE`. */
async function main(): Promise<void> {
  const [address, taskQueue, file] = process.argv.slice(2);
  const connection = await NativeConnection.connect({ address });
  const worker = await Worker.create({ connection, taskQueue, workflowsPath: WORKFLOWS_PATH, activities: fileWorldActivities(file, true) });
  console.log('polling');
  await worker.run();
}

void main();
