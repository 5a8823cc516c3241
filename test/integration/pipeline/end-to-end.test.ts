import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import type { Worker } from '@temporalio/worker';
import { createAuditLog, verifyAudit } from '../../../src/audit';
import { startPipeline } from '../../../src/client/start-pipeline';
import { config } from '../../../src/config';
import { approveSignal, statusQuery } from '../../../src/contracts/messages';
import { buildHeldOut, generateSynthetic, leaveLastNSplit } from '../../../src/models';
import { createMailer, type Mailer } from '../../../src/notify';
import { createRouteStore } from '../../../src/routing';
import { connectClient } from '../../../src/temporal';
import { replayTraffic } from '../../../src/traffic/replayer';
import { createWorker } from '../../../src/worker';
import { startGateway, type GatewayProcess } from '../../support/gateway-process';
import { waitForMail } from '../../support/inbox';
import { openTestDb } from '../../support/mongo';
import { createPipelineFixture, type PipelineFixture } from '../../support/pipeline-fixture';
import type { Mongo } from '../../../src/db';

jest.setTimeout(300_000);

describe('the deployment pipeline on the real stack', () => {
  const model = `e2e-${randomUUID().slice(0, 6)}`;
  const env = { ...config(), TEMPORAL_TASK_QUEUE: `e2e-${model}` };
  const reportsDir = mkdtempSync(join(tmpdir(), 'modelship-e2e-'));
  const ops = `ops-${model}@example.test`;
  let mongo: Mongo;
  let mailer: Mailer;
  let fixture: PipelineFixture;
  let worker: Worker;
  let running: Promise<void>;
  let client: Client;
  let gateways: GatewayProcess[] = [];
  const traffic = new AbortController();
  let replay: Promise<unknown>;

  const spec = (version: string) => ({
    specVersion: 1,
    model,
    version,
    submitter: 'alice',
    datasets: fixture.datasets,
    gates: { validation: { maxRegression: 0.5 }, scenarios: { latencyBudgetP99Ms: 50 } },
    approval: { approvers: ['bob'] },
    rollout: {
      window: '2s',
      checkInterval: '500ms',
      bake: '2s',
      confirmTimeout: '15s',
      thresholds: { minRequests: 5, maxP99Ms: 250, minSuccessRatio: 0 },
    },
    notify: { recipients: [ops] },
  });

  async function deploy(version: string) {
    const { handle } = await startPipeline(client, spec(version), env.TEMPORAL_TASK_QUEUE);
    for (let i = 0; i < 600; i++) {
      const status = await handle.query(statusQuery);
      if (status.step === 'awaiting_approval') break;
      if (status.step === 'done') throw new Error(`pipeline ended early: ${status.failure}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    await handle.signal(approveSignal, { approver: 'bob', comment: 'looks good' });
    return handle;
  }

  beforeAll(async () => {
    mongo = await openTestDb('e2e');
    mailer = createMailer(env);
    fixture = await createPipelineFixture(mongo.db, model);
    const dbEnv = { MONGODB_URI: env.MONGODB_URI, MONGODB_DB: mongo.db.databaseName, GATEWAY_POLL_MS: '100', GATEWAY_KPI_FLUSH_MS: '250' };
    gateways = await Promise.all([startGateway(dbEnv, `${model}-a`), startGateway(dbEnv, `${model}-b`)]);
    worker = await createWorker(env, { db: mongo.db, mailer, auditLog: createAuditLog(mongo.db), reportsDir, replicaStaleMs: 3000 });
    running = worker.run();
    client = await connectClient(env);
    const data = generateSynthetic({ users: 300, items: 400, seed: 11 });
    const { train, test } = leaveLastNSplit(data, 5);
    replay = replayTraffic({
      gateways: gateways.map((g) => g.url),
      model,
      cases: buildHeldOut(train, test),
      ratePerSec: 100,
      maxRequests: 100_000,
      maxDurationMs: 280_000,
      concurrency: 4,
      signal: traffic.signal,
    });
  });

  afterAll(async () => {
    traffic.abort();
    await replay?.catch(() => undefined);
    worker?.shutdown();
    await running;
    await client?.connection.close();
    await Promise.all(gateways.map((g) => g.stop()));
    mailer?.close();
    await mongo?.close();
    rmSync(reportsDir, { recursive: true, force: true });
  });

  it('deploys a first version straight to 100%, then a second one through every stage, and reports it', async () => {
    await fixture.register('1.0.0', { seed: 1 });
    const first = await deploy('1.0.0');
    expect(await first.result()).toMatchObject({ outcome: 'promoted' });

    await fixture.register('1.1.0', { seed: 2 });
    const second = await deploy('1.1.0');
    const result = await second.result();
    expect(result).toMatchObject({ outcome: 'promoted', reportPath: expect.any(String) });

    const route = await createRouteStore(mongo.db).current(model);
    expect(route).toMatchObject({ stable: { version: '1.1.0' }, candidate: null, shadow: null });
    expect((await fixture.registry.getAlias(model, 'champion')).version).toBe('1.1.0');
    expect((await fixture.registry.getAlias(model, 'last-known-good')).version).toBe('1.0.0');
    expect((await fixture.registry.getVersion(model, '1.1.0'))!.status).toBe('production');

    const served = await Promise.all(Array.from({ length: 100 }, (_, i) => fetch(`${gateways[i % 2].url}/v1/recommendations?model=${model}&user=${i + 1}`).then((r) => r.json() as Promise<{ version: string }>)));
    expect(new Set(served.map((s) => s.version))).toEqual(new Set(['1.1.0']));

    expect(existsSync(result.reportPath!)).toBe(true);
    const mails = await waitForMail((m) => m.to.some((t) => t.address === ops) && m.subject.includes('1.1.0'), { count: 8 });
    expect(mails.map((m) => m.subject.replace(`: ${model} 1.1.0`, ''))).toEqual(expect.arrayContaining([
      '[modelship] Approval needed', '[modelship] Rollout started', '[modelship] Stage canary passed', '[modelship] Stage full passed', '[modelship] Deployed',
    ]));
    expect((await verifyAudit(mongo.db, {})).ok).toBe(true);
  });
});
