import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { setMaxListeners } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { verifyAudit } from '../../../src/audit';
import { startPipeline } from '../../../src/client/start-pipeline';
import { config, type Env } from '../../../src/config';
import { approveSignal, statusQuery } from '../../../src/contracts/messages';
import { connectMongo, type Mongo } from '../../../src/db';
import { ROUTE_HISTORY } from '../../../src/routing';
import type { RouteHistoryDoc } from '../../../src/contracts/routes';
import { connectClient } from '../../../src/temporal';
import { startGateway, type GatewayProcess } from '../../support/gateway-process';
import type { InboxMail } from '../../support/inbox';
import { createPipelineFixture, replayFixtureTraffic, type PipelineFixture } from '../../support/pipeline-fixture';
import { stackPorts } from '../../support/stack-ports';
import type { DeployModelResult } from '../../../src/contracts/workflows';
import { saveEvidence } from '../../soak/evidence';
import { stuckAfter } from '../../support/time-factor';

const run = promisify(execFile);
const root = join(__dirname, '../../..');
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export type Service = 'temporal' | 'ferretdb' | 'maildev';
export const STAGES = ['shadow', 'canary', 'quarter', 'half', 'full'];

export { isAlive } from '../../support/processes';

/** A worker started as its own process (src/worker/main.ts), killed by its pid. */
export interface WorkerProcess {
  child: ChildProcess;
  output: () => string;
}

/**
 * A whole private stack for one test file: its own Temporal dev server, FerretDB and MailDev (scripts/stack.sh with
 * its own STACK_DIR and ports), two gateway processes, a worker process, a client and the replayer.
 */
export interface PrivateStack {
  dir: string;
  model: string;
  env: Env;
  mongo: Mongo;
  fixture: PipelineFixture;
  gateways: GatewayProcess[];
  client: Client;
  worker: WorkerProcess;
  /** Output of every worker process started so far, in order. */
  workerOutputs: () => string[];
  /** Output of every gateway process started so far (also those killed and replaced), by replica, in order. */
  gatewayOutputs: () => { replicaId: string; output: string }[];
  /** Starts a gateway replica again on the port it had, in place of the one at `index` (which must be gone). */
  restartGateway(index: number): Promise<GatewayProcess>;
  stackScript(cmd: 'start' | 'stop'): Promise<string>;
  pid(service: Service): number;
  startWorker(): Promise<WorkerProcess>;
  killWorker(signal?: NodeJS.Signals): Promise<void>;
  spec(version: string): Record<string, unknown>;
  startUntilApproval(version: string): Promise<WorkflowHandle>;
  waitForStage(handle: WorkflowHandle, stages: string[], timeoutMs?: number): Promise<string>;
  /** The pipeline's result; past `timeoutMs`, an error showing where it stands, so a hang names its step. */
  resultWithin(handle: WorkflowHandle, timeoutMs?: number): Promise<DeployModelResult>;
  mails(): Promise<InboxMail[]>;
  close(): Promise<void>;
}

export async function openPrivateStack(prefix: string, base: number): Promise<PrivateStack> {
  const dir = mkdtempSync(join(tmpdir(), `modelship-dur-${prefix}-`));
  const ports = stackPorts(base);
  const scriptEnv = { ...process.env, STACK_DIR: dir, ...ports, TEMPORAL_ADDRESS: '', MONGODB_URI: '', SMTP_URL: '' };
  const stackScript = async (cmd: 'start' | 'stop') => (await run('bash', [join(root, 'scripts/stack.sh'), cmd], { env: scriptEnv, cwd: root })).stdout;
  const pid = (service: Service) => Number(readFileSync(join(dir, 'pids', `${service}.pid`), 'utf8'));

  const model = `${prefix}-${Math.random().toString(36).slice(2, 8)}`;
  const env: Env = {
    ...config(),
    TEMPORAL_ADDRESS: `127.0.0.1:${ports.STACK_TEMPORAL_PORT}`,
    TEMPORAL_UI_URL: `http://127.0.0.1:${ports.STACK_TEMPORAL_UI_PORT}`,
    TEMPORAL_TASK_QUEUE: `dur-${model}`,
    MONGODB_URI: `mongodb://127.0.0.1:${ports.STACK_MONGO_PORT}/`,
    MONGODB_DB: `dur_${prefix}`,
    SMTP_URL: `smtp://127.0.0.1:${ports.STACK_SMTP_PORT}`,
    MAIL_INBOX_URL: `http://127.0.0.1:${ports.STACK_INBOX_PORT}`,
    REPORTS_DIR: join(dir, 'reports'),
  };

  const workers: WorkerProcess[] = [];
  const gateways: GatewayProcess[] = [];
  const everyGateway: GatewayProcess[] = [];
  const gatewayEnv = { MONGODB_URI: env.MONGODB_URI, MONGODB_DB: env.MONGODB_DB, GATEWAY_POLL_MS: '100', GATEWAY_KPI_FLUSH_MS: '250' };
  const traffic = new AbortController();
  setMaxListeners(0, traffic.signal);
  let replay: Promise<unknown> | undefined;
  let mongo: Mongo | undefined;
  let client: Client | undefined;

  /** Starts one worker process and waits until it polls; null when it exits first. */
  async function spawnWorker(deadline: number): Promise<WorkerProcess | null> {
    const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'src/worker/main.ts')], {
      cwd: root,
      env: {
        ...process.env,
        TEMPORAL_ADDRESS: env.TEMPORAL_ADDRESS,
        TEMPORAL_TASK_QUEUE: env.TEMPORAL_TASK_QUEUE,
        TEMPORAL_UI_URL: env.TEMPORAL_UI_URL,
        MONGODB_URI: env.MONGODB_URI,
        MONGODB_DB: env.MONGODB_DB,
        SMTP_URL: env.SMTP_URL,
        // Crash tests take names as given (approval.requireSignatures: false in their spec).
        MODELSHIP_ALLOW_UNSIGNED: 'true',
        MAIL_INBOX_URL: env.MAIL_INBOX_URL,
        REPORTS_DIR: env.REPORTS_DIR,
        STACK_DIR: dir,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let log = '';
    child.stdout!.on('data', (d) => (log += d));
    child.stderr!.on('data', (d) => (log += d));
    const worker = { child, output: () => log };
    workers.push(worker);
    while (!log.includes('polling task queue')) {
      if (child.exitCode !== null) {
        if (Date.now() > deadline) throw new Error(`worker exited with ${child.exitCode}:\n${log}`);
        return null;
      }
      if (Date.now() > deadline) {
        // Left running, it would poll unseen by the test that kills "the" worker.
        child.kill('SIGKILL');
        throw new Error(`worker did not start:\n${log}`);
      }
      await sleep(100);
    }
    return worker;
  }

  /**
   * A worker started just after a Temporal restart can find the server up but its namespace not yet readable, and
   * exits; it is started again until it polls, as a supervisor would.
   */
  async function startWorker(): Promise<WorkerProcess> {
    const deadline = Date.now() + stuckAfter(60_000);
    for (;;) {
      const worker = await spawnWorker(deadline);
      if (worker) {
        stack.worker = worker;
        return worker;
      }
      await sleep(1000);
    }
  }

  /** Signals one process by its pid; if it has not exited after 5 s, SIGKILLs it. Returns whether SIGKILL was needed. */
  async function killProcess(child: ChildProcess, signal: NodeJS.Signals): Promise<boolean> {
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return false;
    const exited = new Promise((r) => child.once('exit', r));
    process.kill(child.pid, signal);
    await Promise.race([exited, sleep(5000)]);
    if (child.exitCode === null && child.signalCode === null) {
      process.kill(child.pid, 'SIGKILL');
      await exited;
      return true;
    }
    return false;
  }

  const stack: PrivateStack = {
    dir,
    model,
    env,
    mongo: undefined as unknown as Mongo,
    fixture: undefined as unknown as PipelineFixture,
    gateways,
    client: undefined as unknown as Client,
    worker: undefined as unknown as WorkerProcess,
    workerOutputs: () => workers.map((w) => w.output()),
    gatewayOutputs: () => everyGateway.map((g) => ({ replicaId: g.replicaId, output: g.output() })),
    async restartGateway(index) {
      const gone = gateways[index];
      const again = await startGateway(gatewayEnv, gone.replicaId, Number(new URL(gone.url).port));
      everyGateway.push(again);
      gateways[index] = again;
      return again;
    },
    stackScript,
    pid,
    startWorker,
    killWorker: async (signal = 'SIGKILL') => void (await killProcess(stack.worker.child, signal)),

    spec: (version) => ({
      specVersion: 1,
      model,
      version,
      submitter: 'alice',
      datasets: stack.fixture.datasets,
      gates: { validation: { maxRegression: 0.5 }, scenarios: { latencyBudgetP99Ms: 50 } },
      approval: { approvers: ['bob'], requireSignatures: false },
      rollout: {
        window: '3s',
        checkInterval: '500ms',
        bake: '2s',
        confirmTimeout: '15s',
        thresholds: { minRequests: 5, maxP99Ms: 250, minSuccessRatio: 0 },
        // Crash tests: a few hundred users cannot prove a success margin in seconds (docs/verdicts.md).
        judge: 'thresholds',
      },
      notify: { recipients: [`ops-${model}@example.test`] },
    }),

    async startUntilApproval(version) {
      const { handle } = await startPipeline(stack.client, stack.spec(version), env.TEMPORAL_TASK_QUEUE);
      const deadline = Date.now() + stuckAfter(120_000);
      let step = '';
      while (Date.now() < deadline) {
        const status = await handle.query(statusQuery);
        if (status.step === 'awaiting_approval') return handle;
        if (status.step === 'done') throw new Error(`pipeline ended early: ${status.failure}`);
        step = status.step;
        await sleep(100);
      }
      throw new Error(`pipeline ${handle.workflowId} never asked for approval: still at ${step}`);
    },

    async waitForStage(handle, stages, timeoutMs = 60_000) {
      const deadline = Date.now() + stuckAfter(timeoutMs);
      for (;;) {
        const status = await handle.query(statusQuery);
        if (status.step === 'done') throw new Error(`pipeline ended before reaching ${stages.join('/')}: ${status.failure}`);
        if (status.stage && stages.includes(status.stage)) return status.stage;
        if (Date.now() > deadline) throw new Error(`pipeline never reached ${stages.join('/')}; status ${JSON.stringify(status)}`);
        await sleep(100);
      }
    },

    async resultWithin(handle, boundMs = 100_000) {
      const timeoutMs = stuckAfter(boundMs);
      let timer: NodeJS.Timeout | undefined;
      // A pipeline that never ends leaves its history and the workers' output behind, to be read after the stack is gone.
      const evidence = () => saveEvidence(stack, [model], join(root, '.data', 'durability', handle.workflowId)).then((d) => ` (evidence in ${d})`, () => '');
      const late = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          void handle
            .query(statusQuery)
            .then(
              (status) => `pipeline ${handle.workflowId} still running after ${timeoutMs} ms: ${JSON.stringify(status)}`,
              (err: Error) => `pipeline ${handle.workflowId} gave no result in ${timeoutMs} ms (status unreadable: ${err.message})`,
            )
            .then(async (message) => reject(new Error(`${message}${await evidence()}`)));
        }, timeoutMs);
      });
      try {
        return (await Promise.race([handle.result(), late])) as DeployModelResult;
      } finally {
        clearTimeout(timer);
      }
    },

    async mails() {
      const res = await fetch(`${env.MAIL_INBOX_URL}/email`);
      if (!res.ok) throw new Error(`inbox answered ${res.status}`);
      return (await res.json()) as InboxMail[];
    },

    async close() {
      const t0 = Date.now();
      const lap = (what: string) => process.env.STACK_DEBUG && console.log(`close ${what} +${Date.now() - t0} ms`);
      traffic.abort();
      await replay?.catch(() => undefined);
      lap('replay');
      for (const w of workers) await killProcess(w.child, 'SIGKILL').catch(() => undefined);
      lap('workers');
      // A gateway that does not exit within 5 s of SIGTERM is SIGKILLed (seen: ~70 s to exit after SIGTERM).
      const forced = await Promise.all(everyGateway.map((g) => killProcess(g.child, 'SIGTERM').catch(() => false)));
      if (forced.some(Boolean)) console.log(`gateway(s) ${everyGateway.filter((_, i) => forced[i]).map((g) => g.replicaId).join(', ')} ignored SIGTERM for 5 s: SIGKILLed`);
      lap('gateways');
      await client?.connection.close().catch(() => undefined);
      await mongo?.close().catch(() => undefined);
      lap('clients');
      await stackScript('stop').catch(() => undefined);
      lap('stack');
      rmSync(dir, { recursive: true, force: true });
    },
  };

  try {
    await stackScript('start');
    mongo = await connectMongo(env, env.MONGODB_DB);
    stack.mongo = mongo;
    stack.fixture = await createPipelineFixture(mongo.db, model);
    gateways.push(...(await Promise.all([startGateway(gatewayEnv, `${model}-a`), startGateway(gatewayEnv, `${model}-b`)])));
    everyGateway.push(...gateways);
    await startWorker();
    client = await connectClient(env);
    stack.client = client;
    replay = replayFixtureTraffic(gateways.map((g) => g.url), model, traffic.signal);
  } catch (err) {
    await stack.close();
    throw err;
  }
  return stack;
}

/** Deploys a first version (straight to 100%), so the next one goes through every stage. */
export async function deployFirst(stack: PrivateStack, version: string): Promise<void> {
  await stack.fixture.register(version, { seed: 1 });
  const handle = await stack.startUntilApproval(version);
  await handle.signal(approveSignal, { approver: 'bob', comment: 'first version' });
  const result = await handle.result();
  if (result.outcome !== 'promoted') throw new Error(`first version ended ${result.outcome}`);
}

/**
 * Where every fault strikes: 1.0.0 in production, then 2.0.0 approved and one second into its canary window, with its
 * checks running and their activities in flight. Returns how many routing generations there were before 2.0.0.
 */
export async function intoCanaryWindow(stack: PrivateStack): Promise<{ handle: WorkflowHandle; stage: string; generationsBefore: number }> {
  await deployFirst(stack, '1.0.0');
  const generationsBefore = (await routeHistory(stack)).length;
  await stack.fixture.register('2.0.0', { seed: 2 });
  const handle = await stack.startUntilApproval('2.0.0');
  await handle.signal(approveSignal, { approver: 'bob', comment: 'ok' });
  const stage = await stack.waitForStage(handle, ['canary']);
  await sleep(1000);
  return { handle, stage, generationsBefore };
}

export async function routeHistory(stack: PrivateStack): Promise<RouteHistoryDoc[]> {
  return stack.mongo.db.collection<RouteHistoryDoc>(ROUTE_HISTORY).find({ model: stack.model }).sort({ generation: 1 }).toArray();
}

export interface AuditRow {
  _id: string;
  type: string;
  pipelineId?: string;
  evidence?: { stage?: { name?: string } };
}

/**
 * Everything a promoted pipeline leaves behind, exactly once: its audit events (one stage_passed per stage, one
 * promotion), its mails (one of each subject), its routing generations (one per stage plus the promotion, each
 * changeKey once). Returns what it saw, for the report.
 */
export async function expectDeliveredOnce(stack: PrivateStack, handle: WorkflowHandle, version: string, generationsBefore: number) {
  const { model, mongo } = stack;
  const pipelineId = handle.workflowId;

  const events = await mongo.db.collection<AuditRow>('audit_events').find({ pipelineId }).toArray();
  const passed = events.filter((e) => e.type === 'rollout.stage_passed').map((e) => e.evidence?.stage?.name);
  expect(passed.sort()).toEqual([...STAGES].sort());
  for (const type of ['pipeline.promoted', 'rollout.started', 'approval.requested', 'pipeline.ingested']) {
    expect({ type, count: events.filter((e) => e.type === type).length }).toEqual({ type, count: 1 });
  }
  expect(new Set(events.map((e) => e._id)).size).toBe(events.length);
  expect(await verifyAudit(mongo.db, {})).toMatchObject({ ok: true });

  const outbox = await mongo.db.collection<{ _id: string; status: string }>('outbox').find({}).toArray();
  const mine = outbox.filter((o) => String(o._id).includes(pipelineId));
  expect(mine.map((o) => o.status)).toEqual(Array(STAGES.length + 3).fill('sent'));

  const expected = ['Approval needed', 'Rollout started', ...STAGES.map((s) => `Stage ${s} passed`), 'Deployed'].map((s) => `[modelship] ${s}: ${model} ${version}`);
  const subjects = async () => (await stack.mails()).map((m) => m.subject).filter((s) => s.endsWith(`: ${model} ${version}`));
  for (let i = 0; i < 75 && (await subjects()).length < expected.length; i++) await sleep(200);
  await sleep(1000); // a duplicate would arrive by now
  expect((await subjects()).sort()).toEqual([...expected].sort());

  const rows = (await routeHistory(stack)).slice(generationsBefore);
  const keys = rows.map((r) => r.changeKey);
  expect(new Set(keys).size).toBe(keys.length);
  const generations = rows.map((r) => r.generation);
  expect(new Set(generations).size).toBe(generations.length);
  expect(rows).toHaveLength(STAGES.length + 1); // one per stage, plus the promotion
  expect(keys.every((k) => k.startsWith(pipelineId))).toBe(true);

  return { events: events.length, outbox: mine.length, generations: rows.length, changeKeys: keys };
}
