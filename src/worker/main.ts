import { config } from '../config';
import { connectMongo, logReachability, reconnectWhenMonitorStalls } from '../db';
import { createMailer } from '../notify';
import { scheduleKpiRetention } from '../kpis/retention-loop';
import { ensureIndexes } from '../registry';
import { ensureRoutingIndexes } from '../routing';
import { connectClient } from '../temporal';
import { createWorker } from './create-worker';
import { createWorkerAuditLog } from './worker-audit-log';

async function main(): Promise<void> {
  const env = config();
  const mongo = await connectMongo(env);
  logReachability(mongo.client, (line) => console.warn(line));
  reconnectWhenMonitorStalls(mongo.client, (ms) => console.warn(`database monitor silent for ${ms} ms: reconnecting`));
  await ensureIndexes(mongo.db);
  await ensureRoutingIndexes(mongo.db);
  const mailer = createMailer(env);
  const client = await connectClient(env);
  const auditLog = createWorkerAuditLog(mongo.db, env, env.REPORTS_DIR);
  const worker = await createWorker(env, {
    db: mongo.db,
    mailer,
    auditLog,
    reportsDir: env.REPORTS_DIR,
    webUi: env,
    allowUnsigned: env.MODELSHIP_ALLOW_UNSIGNED === 'true',
    modelRuntime: env.MODEL_RUNTIME,
    temporal: { client, taskQueue: env.TEMPORAL_TASK_QUEUE },
  });
  const stopRetention = scheduleKpiRetention(mongo.db, auditLog, (line) => console.log(line));
  console.log(`modelship worker polling task queue '${env.TEMPORAL_TASK_QUEUE}' on ${env.TEMPORAL_ADDRESS}`);
  const stop = () => worker.shutdown();
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  try {
    await worker.run();
  } finally {
    stopRetention();
    await auditLog.close();
    mailer.close();
    await client.connection.close();
    await mongo.close();
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
