/**
 * One audit-writing process of bench:aged. Once connected it prints `ready` and waits for a line on its input; then
 * it appends to its own pipeline and to one all writers share, one append at a time, for the given milliseconds, and
 * prints how many it appended. Run by scripts/bench-aged.ts.
 *
 *   tsx append-worker.ts <mongodb-uri> <database> <writer-name> <milliseconds>
 */
import { once } from 'node:events';
import { MongoClient } from 'mongodb';
import { createAuditLog } from '../../../src/audit';

async function main(): Promise<void> {
  const [uri, dbName, name, ms] = process.argv.slice(2) as [string, string, string, string];
  const client = new MongoClient(uri, { retryWrites: false });
  await client.connect();
  const log = createAuditLog(client.db(dbName));
  await client.db(dbName).command({ ping: 1 });
  process.stdout.write('ready\n');
  await once(process.stdin, 'data');
  const until = Date.now() + Number(ms);
  let n = 0;
  while (Date.now() < until) {
    const pipelineId = n % 2 === 0 ? 'bench-shared' : `bench-${name}`;
    await log.append({ eventId: `${name}:${n}`, type: 'pipeline.step_completed', actor: 'service:bench', subject: { model: 'm00', version: '9.9.9' }, pipelineId, outcome: 'success', evidence: { n }, source: 'bench/aged' });
    n++;
  }
  process.stdout.write(`${n}\n`);
  await log.close();
  await client.close();
  process.stdin.destroy();
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
