import { config } from '../config';
import { connectMongo } from '../db';
import { createMailer } from '../notify';
import { createWorker } from './create-worker';

async function main(): Promise<void> {
  const env = config();
  const mongo = await connectMongo(env);
  const mailer = createMailer(env);
  const worker = await createWorker(env, { db: mongo.db, mailer });
  console.log(`modelship worker polling task queue '${env.TEMPORAL_TASK_QUEUE}' on ${env.TEMPORAL_ADDRESS}`);
  try {
    await worker.run();
  } finally {
    mailer.close();
    await mongo.close();
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
