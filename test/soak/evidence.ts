import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { temporal } from '@temporalio/proto';
import type { PrivateStack } from '../integration/durability/private-stack';

const History = temporal.api.history.v1.History;

/**
 * What a failed soak leaves behind to be read once its private stack is gone: the full history of every run of the
 * models that broke an invariant (pipelines, monitor runs, drills), each as the protobuf bytes the replayer reads and as
 * JSON to read, and the output of every worker process it started. Returns the folder.
 */
export async function saveEvidence(stack: PrivateStack, models: string[], dir: string): Promise<string> {
  mkdirSync(dir, { recursive: true });
  const drills = models.map((m) => `WorkflowId STARTS_WITH 'drill-${m}-'`);
  const query = `ModelName IN (${models.map((m) => `'${m}'`).join(', ')}) OR ${drills.join(' OR ')}`;
  const runs: string[] = [];
  for await (const run of stack.client.workflow.list({ query })) {
    const history = await stack.client.workflow.getHandle(run.workflowId, run.runId).fetchHistory();
    const file = `${run.workflowId}.${run.runId}`;
    const bytes = History.encode(history).finish();
    writeFileSync(join(dir, `${file}.bin`), bytes);
    writeFileSync(join(dir, `${file}.json`), JSON.stringify(History.toObject(History.decode(bytes), { longs: String, enums: String, bytes: String }), null, 1));
    runs.push(`${file}\t${run.type}\t${run.status.name}`);
  }
  writeFileSync(join(dir, 'runs.tsv'), `${runs.join('\n')}\n`);
  stack.workerOutputs().forEach((output, i) => writeFileSync(join(dir, `worker-${i + 1}.log`), output));
  return dir;
}
