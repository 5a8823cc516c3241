import { randomUUID } from 'node:crypto';
import type { Worker } from '@temporalio/worker';
import type { Client } from '@temporalio/client';
import { config } from '../../../src/config';
import { createMailer, type Mailer } from '../../../src/notify';
import { connectClient } from '../../../src/temporal';
import { createWorker } from '../../../src/worker';
import { openTestDb } from '../../support/mongo';
import { waitForMail } from '../../support/inbox';
import type { Mongo } from '../../../src/db';
import { smoke } from '../../../src/contracts/workflows';
import { createSmokeStore } from '../../../src/db/smoke-store';
import { stuckAfter } from '../../support/time-factor';

jest.setTimeout(stuckAfter(120_000));

describe('the local stack end to end', () => {
  const env = { ...config(), TEMPORAL_TASK_QUEUE: `smoke-${randomUUID()}` };
  let mongo: Mongo;
  let mailer: Mailer;
  let worker: Worker;
  let client: Client;
  let running: Promise<void>;

  beforeAll(async () => {
    mongo = await openTestDb('smoke');
    mailer = createMailer(env);
    worker = await createWorker(env, { db: mongo.db, mailer });
    running = worker.run();
    client = await connectClient(env);
  });

  afterAll(async () => {
    worker?.shutdown();
    await running;
    await client?.connection.close();
    mailer?.close();
    await mongo?.close();
  });

  it('runs a workflow on Temporal that stores a document in MongoDB and delivers an email over SMTP', async () => {
    const workflowId = `smoke-${randomUUID()}`;
    const recipient = `ops-${workflowId}@example.test`;

    const result = await client.workflow.execute(smoke.name, {
      workflowId,
      taskQueue: env.TEMPORAL_TASK_QUEUE,
      args: [recipient],
    });

    expect(result.documentId).toBe(workflowId);
    const stored = await createSmokeStore(mongo.db).get(workflowId);
    expect(stored).toMatchObject({ recipient, attempts: 1 });

    const [mail] = await waitForMail((m) => m.to.some((t) => t.address === recipient));
    expect(mail.subject).toBe(`modelship smoke test ${workflowId}`);
    expect(mail.text).toContain(`Temporal ran workflow ${workflowId}`);
    expect(mail.messageId).toBe(result.messageId.replace(/^<|>$/g, ''));

    const history = await client.workflow.getHandle(workflowId).describe();
    expect(history.status.name).toBe('COMPLETED');
  });

  it('sends the mail once when the activity is retried with the same key', async () => {
    const recipient = `retry-${randomUUID()}@example.test`;
    const { createSmokeActivities } = await import('../../../activities/smoke');
    const { MockActivityEnvironment } = await import('@temporalio/testing');
    const acts = createSmokeActivities({ db: mongo.db, mailer });
    const activityEnv = new MockActivityEnvironment();
    for (let i = 0; i < 3; i++) await activityEnv.run(acts.sendSmokeMail, { workflowId: 'wf-retry', recipient });

    await new Promise((r) => setTimeout(r, 1000));
    const mails = await waitForMail((m) => m.to.some((t) => t.address === recipient), { count: 2, timeoutMs: 1500 });
    expect(mails).toHaveLength(1);
  });
});
