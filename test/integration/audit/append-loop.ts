/**
 * A worker's audit appends, as a process to kill: appends events of a few pipelines at a worker's pace (a pause of
 * AUDIT_LOOP_PAUSE_MS between appends, 40 by default; 0 makes writers contend), ending a pipeline every tenth event,
 * with checkpoints every AUDIT_CHECKPOINT_EVERY events. It prints each event id once its append has returned, so
 * whoever kills it knows what was acknowledged.
 */
import { createSigningAuditLog } from '../../../src/audit';
import { config } from '../../../src/config';
import { connectMongo } from '../../../src/db';

const PAUSE_MS = Number(process.env.AUDIT_LOOP_PAUSE_MS ?? 40);

async function main(): Promise<void> {
  const env = config();
  const mongo = await connectMongo(env);
  const log = createSigningAuditLog(mongo.db, env, { warn: (line) => process.stderr.write(`${line}\n`) });
  const name = process.argv[2] ?? 'w';
  const limit = Number(process.argv[3] ?? Number.POSITIVE_INFINITY);
  for (let i = 1; i <= limit; i++) {
    const version = `1.${i % 3}.0`;
    const pipelineId = `deploy-recs-${version}`;
    const event = await log.append({
      eventId: `${name}:${i}`,
      type: i % 10 === 0 ? 'pipeline.promoted' : 'pipeline.step_completed',
      actor: `service:${name}`,
      subject: { model: 'recs', version },
      pipelineId,
      outcome: 'success',
      evidence: { i },
      source: 'activities/pipeline',
    });
    process.stdout.write(`acked ${event.eventId}\n`);
    await new Promise((resolve) => setTimeout(resolve, PAUSE_MS));
  }
  await mongo.close();
}

main().catch((error) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
