import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { MongoClient } from 'mongodb';
import { monitorWorkflowId } from '../../../src/contracts/monitoring';
import { createRegistry } from '../../../src/registry';
import { createRouteStore } from '../../../src/routing';
import type { InboxMail } from '../../support/inbox';
import { stackPorts } from '../../support/stack-ports';

jest.setTimeout(420_000);

const run = promisify(execFile);
const root = join(__dirname, '../../..');
const BASE = 24_000;
const MODEL = 'movielens-als';

/** `npm run demo` exactly as a newcomer runs it, against its own stack, with every outcome read back from the parts. */
describe('the demo', () => {
  const dir = mkdtempSync(join(tmpdir(), 'modelship-demo-'));
  const ports = {
    ...stackPorts(BASE),
    DEMO_GATEWAY_PORT_A: String(BASE + 81),
    DEMO_GATEWAY_PORT_B: String(BASE + 82),
  };
  const env: NodeJS.ProcessEnv = { ...process.env, STACK_DIR: dir, ...ports, REPORTS_DIR: join(dir, 'reports'), DEMO_DATA: 'synthetic' };
  for (const k of ['TEMPORAL_ADDRESS', 'TEMPORAL_UI_URL', 'MONGODB_URI', 'MONGODB_DB', 'SMTP_URL', 'MAIL_INBOX_URL', 'GATEWAY_URLS']) delete env[k];
  const stack = (cmd: 'start' | 'stop') => run('bash', [join(root, 'scripts/stack.sh'), cmd], { env, cwd: root });

  // The stack is started first so that it outlives the demo and what the demo did can be read back.
  beforeAll(() => stack('start'));
  afterAll(async () => {
    await stack('stop').catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  it('promotes the good models, rolls the failing one back in shadow and the subtly worse one at canary, hands the champion to monitoring and stops what it started', async () => {
    const { code, output } = await new Promise<{ code: number | null; output: string }>((resolve) => {
      const child = spawn('bash', [join(root, 'scripts/demo.sh')], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      child.stdout.on('data', (d) => (output += d));
      child.stderr.on('data', (d) => (output += d));
      child.on('close', (c) => resolve({ code: c, output }));
    });
    expect({ code, tail: output.slice(-3000) }).toMatchObject({ code: 0 });
    expect(output).toMatch(/movielens-als 1\.0\.0: promoted/);
    expect(output).toMatch(/movielens-als 1\.1\.0: promoted/);
    expect(output).toMatch(/movielens-als 1\.2\.0: rolled_back/);
    // The statistical judge: the subtly worse model is stopped on its successes alone, its equivalent promoted.
    expect(output).toMatch(/synthetic-reco 1\.0\.0: promoted/);
    expect(output).toMatch(/synthetic-reco 1\.1\.0: rolled_back/);
    expect(output).toMatch(/synthetic-reco 1\.2\.0: promoted/);
    expect(output).toMatch(/deploy-synthetic-reco-1\.1\.0 verdict that stopped it: success vs stable regressed to -\d+(\.\d)?% \(interval -\d/);
    expect(output).toContain('audit log: verified');
    expect(output).toContain(`http://127.0.0.1:${ports.STACK_TEMPORAL_UI_PORT}/namespaces/default/workflows/deploy-${MODEL}-1.1.0`);
    expect(output).toContain(`monitoring ${MODEL}: watching, champion 1.1.0, last known good 1.0.0`);
    expect(output).toContain('monitoring synthetic-reco: watching, champion 1.2.0, last known good 1.0.0');
    const reports = join(dir, 'reports');
    expect(existsSync(join(reports, `deploy-${MODEL}-1.1.0`, 'report.html'))).toBe(true);
    expect(existsSync(join(reports, `deploy-${MODEL}-1.2.0`, 'rollback.md'))).toBe(true);

    // The gateways and the worker the demo started are gone.
    for (const port of [ports.DEMO_GATEWAY_PORT_A, ports.DEMO_GATEWAY_PORT_B]) {
      await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
    }

    const mongo = await MongoClient.connect(`mongodb://127.0.0.1:${ports.STACK_MONGO_PORT}/`);
    try {
      const db = mongo.db('modelship');
      const registry = createRegistry(db);
      const statuses = await Promise.all(['1.0.0', '1.1.0', '1.2.0'].map(async (v) => (await registry.getVersion(MODEL, v))?.status));
      expect(statuses).toEqual(['production', 'production', 'rolled_back']);
      expect((await registry.getAlias(MODEL, 'champion')).version).toBe('1.1.0');
      expect(await createRouteStore(db).current(MODEL)).toMatchObject({ stable: { version: '1.1.0' }, candidate: null, shadow: null });
    } finally {
      await mongo.close();
    }

    const mails = (await (await fetch(`http://127.0.0.1:${ports.STACK_INBOX_PORT}/email`)).json()) as InboxMail[];
    const kinds = mails.map((m) => `${m.headers['x-modelship-kind']} ${m.subject.split(': ').pop()}`);
    expect(kinds.filter((k) => k === `completed ${MODEL} 1.1.0`)).toHaveLength(1);
    expect(kinds.filter((k) => k === `approval_requested ${MODEL} 1.2.0`)).toHaveLength(1);
    expect(kinds.filter((k) => k === `rolled_back ${MODEL} 1.2.0`)).toHaveLength(1);
    const rolledBack = (model: string) => mails.find((m) => m.headers['x-modelship-kind'] === 'rolled_back' && m.subject.includes(model))!;
    // Its mirrored requests fail too, so the shadow stage stops it before any user sees it.
    expect(rolledBack(MODEL).text).toContain('breached shadow_error_rate');
    expect(rolledBack('synthetic-reco 1.1.0').text).toMatch(/success vs stable: -\d+(\.\d)?% \(always-valid/);

    const connection = await Connection.connect({ address: `127.0.0.1:${ports.STACK_TEMPORAL_PORT}` });
    try {
      const monitor = await new Client({ connection }).workflow.getHandle(monitorWorkflowId(MODEL)).describe();
      expect(monitor.status.name).toBe('RUNNING');
    } finally {
      await connection.close();
    }
  });
});
