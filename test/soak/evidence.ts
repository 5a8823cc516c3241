import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { temporal } from '@temporalio/proto';
import type { PrivateStack } from '../integration/durability/private-stack';

const History = temporal.api.history.v1.History;
const HISTORIES_BOUND_MS = 120_000;

/** Writes every run's history of the models (pipelines, monitor runs, drills) as protobuf and as JSON, with runs.tsv. */
async function saveHistories(stack: PrivateStack, models: string[], dir: string): Promise<number> {
  const drills = models.map((m) => `WorkflowId STARTS_WITH 'drill-${m}-'`);
  const query = `ModelName IN (${models.map((m) => `'${m}'`).join(', ')}) OR ${drills.join(' OR ')}`;
  const runs: string[] = [];
  try {
    for await (const run of stack.client.workflow.list({ query })) {
      const history = await stack.client.workflow.getHandle(run.workflowId, run.runId).fetchHistory();
      const file = `${run.workflowId}.${run.runId}`;
      const bytes = History.encode(history).finish();
      writeFileSync(join(dir, `${file}.bin`), bytes);
      writeFileSync(join(dir, `${file}.json`), JSON.stringify(History.toObject(History.decode(bytes), { longs: String, enums: String, bytes: String }), null, 1));
      runs.push(`${file}\t${run.type}\t${run.status.name}`);
    }
  } finally {
    writeFileSync(join(dir, 'runs.tsv'), runs.length ? `${runs.join('\n')}\n` : '');
  }
  return runs.length;
}

/**
 * What a run leaves behind to be read once its private stack is gone: the output of every worker and gateway process
 * it started, the lines it printed, and the full history of every run of its models, each as the protobuf bytes the
 * replayer reads and as JSON. The processes' output is written first: a Temporal server that no longer answers costs
 * the histories (bounded, and said in `problems.txt`), never the logs. Returns the folder.
 */
export async function saveEvidence(stack: PrivateStack, models: string[], dir: string, lines: string[] = []): Promise<string> {
  mkdirSync(dir, { recursive: true });
  stack.workerOutputs().forEach((output, i) => writeFileSync(join(dir, `worker-${i + 1}.log`), output));
  stack.gatewayOutputs().forEach(({ replicaId, output }, i) => writeFileSync(join(dir, `gateway-${i + 1}-${replicaId}.log`), output));
  if (lines.length) writeFileSync(join(dir, 'soak.log'), `${lines.join('\n')}\n`);
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`histories not read within ${HISTORIES_BOUND_MS / 1000} s`)), HISTORIES_BOUND_MS)));
  try {
    await Promise.race([saveHistories(stack, models, dir), bound]);
  } catch (err) {
    writeFileSync(join(dir, 'problems.txt'), `histories: ${err instanceof Error ? err.message : String(err)}\n`);
  } finally {
    clearTimeout(timer);
  }
  return dir;
}
