import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client, WorkflowHandle } from '@temporalio/client';
import type { Worker } from '@temporalio/worker';
import { createWorkerAuditLog } from '../../../src/worker/worker-audit-log';
import { startPipeline } from '../../../src/client/start-pipeline';
import { config } from '../../../src/config';
import { approveSignal, statusQuery } from '../../../src/contracts/messages';
import type { Mongo } from '../../../src/db';
import { createMailer, type Mailer } from '../../../src/notify';
import { connectClient } from '../../../src/temporal';
import { createWorker } from '../../../src/worker';
import { startGateway, type GatewayProcess } from '../../support/gateway-process';
import { listMail, type InboxMail } from '../../support/inbox';
import { stopMonitor } from '../../support/monitors';
import { openTestDb } from '../../support/mongo';
import { createPipelineFixture, replayFixtureTraffic, type PipelineFixture } from '../../support/pipeline-fixture';
import { stuckAfter } from '../../support/time-factor';

/** How often the gateways in these tests read the routes and flush their KPI counts. */
export const GATEWAY_POLL_MS = 100;
export const GATEWAY_KPI_FLUSH_MS = 250;

/** How long a pipeline may take to reach approval before a test calls it stuck. */
const APPROVAL_WAIT_MS = stuckAfter(300_000);

export interface SpecOverrides {
  approval?: Record<string, unknown>;
  rollout?: Record<string, unknown>;
  thresholds?: Record<string, unknown>;
  /** The rollout judge; these files test routing, rollback and durability with `thresholds` unless they say otherwise
   *  (statistical-verdicts.test.ts runs the default judge on real traffic). */
  judge?: string | Record<string, unknown>;
  gates?: { validation?: Record<string, unknown>; scenarios?: Record<string, unknown> };
}

/**
 * One real stack per test file: a fresh database, two gateway replica processes, one in-process worker on its own task
 * queue, a Temporal client, and the traffic replayer sending live requests at both replicas for the whole file.
 */
export interface Stack {
  model: string;
  ops: string;
  reportsDir: string;
  mongo: Mongo;
  fixture: PipelineFixture;
  gateways: GatewayProcess[];
  client: Client;
  env: ReturnType<typeof config>;
  spec(version: string, overrides?: SpecOverrides): Record<string, unknown>;
  /** Starts a pipeline and waits until it asks for approval. */
  startUntilApproval(version: string, overrides?: SpecOverrides): Promise<WorkflowHandle>;
  /** Mails to this stack's ops address about one version, in the order they arrived. */
  mailsFor(version: string): Promise<InboxMail[]>;
  close(): Promise<void>;
}

/** `users`: distinct users in the replayed traffic; a statistical verdict on user-clustered successes needs thousands. */
export async function openStack(prefix: string, { ratePerSec = 100, users = 300, maxDurationMs = 280_000 } = {}): Promise<Stack> {
  const model = `${prefix}-${randomUUID().slice(0, 6)}`;
  const env = { ...config(), TEMPORAL_TASK_QUEUE: `it-${model}` };
  const reportsDir = mkdtempSync(join(tmpdir(), `modelship-${prefix}-`));
  const ops = `ops-${model}@example.test`;
  const traffic = new AbortController();
  // Node's fetch keeps one abort listener per request until the request is garbage-collected.
  setMaxListeners(0, traffic.signal);

  const opened = Date.now();
  const mongo = await openTestDb(prefix);
  const mailer: Mailer = createMailer(env);
  const fixture = await createPipelineFixture(mongo.db, model, users);
  const dbEnv = {
    MONGODB_URI: env.MONGODB_URI,
    MONGODB_DB: mongo.db.databaseName,
    GATEWAY_POLL_MS: String(GATEWAY_POLL_MS),
    GATEWAY_KPI_FLUSH_MS: String(GATEWAY_KPI_FLUSH_MS),
  };
  const gateways = await Promise.all([startGateway(dbEnv, `${model}-a`), startGateway(dbEnv, `${model}-b`)]);
  const client = await connectClient(env);
  const temporal = { client, taskQueue: env.TEMPORAL_TASK_QUEUE };
  // These pipelines take names as given (approval.requireSignatures: false), which a worker honours only when allowed.
  const worker: Worker = await createWorker(env, { db: mongo.db, mailer, auditLog: createWorkerAuditLog(mongo.db, env, reportsDir), reportsDir, replicaStaleMs: 3000, temporal, allowUnsigned: true });
  const running = worker.run();
  if (process.env.STACK_DEBUG) console.log(`stack open +${Date.now() - opened} ms`);
  const replay = replayFixtureTraffic(gateways.map((g) => g.url), model, traffic.signal, { ratePerSec, users, maxDurationMs });

  const spec = (version: string, o: SpecOverrides = {}) => ({
    specVersion: 1,
    model,
    version,
    submitter: 'alice',
    datasets: fixture.datasets,
    gates: { validation: { maxRegression: 0.5, ...o.gates?.validation }, scenarios: { latencyBudgetP99Ms: 50, ...o.gates?.scenarios } },
    // Who may act is under test in cli/signed-decisions.test.ts; these runs take names as given.
    approval: { approvers: ['bob'], requireSignatures: false, ...o.approval },
    rollout: {
      window: '2s',
      checkInterval: '500ms',
      bake: '2s',
      confirmTimeout: '15s',
      ...o.rollout,
      thresholds: { minRequests: 5, maxP99Ms: 250, minSuccessRatio: 0, ...o.thresholds },
      judge: o.judge ?? 'thresholds',
    },
    notify: { recipients: [ops] },
  });

  /**
   * Starts a pipeline and waits until it asks for approval. The gates train nothing but rank every held-out user, which
   * a machine busy with other work makes slow: the wait is a bound on being stuck, not on speed.
   */
  async function startUntilApproval(version: string, overrides?: SpecOverrides): Promise<WorkflowHandle> {
    const { handle } = await startPipeline(client, spec(version, overrides), env.TEMPORAL_TASK_QUEUE);
    const deadline = Date.now() + APPROVAL_WAIT_MS;
    let step = '';
    while (Date.now() < deadline) {
      const status = await handle.query(statusQuery);
      if (status.step === 'awaiting_approval') return handle;
      if (status.step === 'done') throw new Error(`pipeline ended early: ${status.failure}`);
      step = status.step;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`pipeline ${handle.workflowId} never asked for approval: still at ${step} after ${APPROVAL_WAIT_MS / 1000} s`);
  }

  async function mailsFor(version: string): Promise<InboxMail[]> {
    const mails = (await listMail()).filter((m) => m.to.some((t) => t.address === ops) && m.subject.endsWith(`: ${model} ${version}`));
    // MailDev lists newest first in some versions: order by the Date header, then by id.
    return mails.sort((a, b) => Date.parse(a.headers.date ?? '') - Date.parse(b.headers.date ?? '') || a.id.localeCompare(b.id));
  }

  return {
    model,
    ops,
    reportsDir,
    mongo,
    fixture,
    gateways,
    client,
    env,
    spec,
    startUntilApproval,
    mailsFor,
    async close() {
      const t0 = Date.now();
      const lap = (what: string) => process.env.STACK_DEBUG && console.log(`${what} +${Date.now() - t0} ms`);
      traffic.abort();
      await replay.catch(() => undefined);
      lap('replay');
      await stopMonitor(client, model);
      worker.shutdown();
      await running;
      lap('worker');
      await client.connection.close();
      await Promise.all(gateways.map((g) => g.stop()));
      lap('gateways');
      mailer.close();
      await mongo.close();
      lap('mongo');
      rmSync(reportsDir, { recursive: true, force: true });
    },
  };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Puts a first version of the stack's model in production through a whole pipeline, so the next one has a champion. */
export async function promoteFirst(stack: Stack, version = '1.0.0', overrides?: SpecOverrides): Promise<void> {
  await stack.fixture.register(version, { seed: 1 });
  const first = await stack.startUntilApproval(version, overrides);
  await first.signal(approveSignal, { approver: 'bob', comment: 'first version' });
  const result = await first.result();
  if (result.outcome !== 'promoted') throw new Error(`the first version ended ${result.outcome}: ${JSON.stringify(result).slice(0, 500)}`);
}

/** Every answer of `n` requests spread over both replicas, as (version, variant). */
export async function sample(stack: Stack, n: number): Promise<{ status: number; version?: string; variant?: string }[]> {
  return Promise.all(
    Array.from({ length: n }, async (_, i) => {
      const res = await fetch(`${stack.gateways[i % stack.gateways.length].url}/v1/recommendations?model=${stack.model}&user=${i + 1}`);
      const body = (await res.json()) as { version?: string; variant?: string };
      return { status: res.status, version: body.version, variant: body.variant };
    }),
  );
}
