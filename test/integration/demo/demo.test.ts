import { execFile, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
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
import { isAlive } from '../../support/processes';
import { stuckAfter } from '../../support/time-factor';

jest.setTimeout(stuckAfter(420_000));

const run = promisify(execFile);
const root = join(__dirname, '../../..');
const BASE = 24_000;
const MODEL = 'movielens-als';

/** Every process in one session: what a script run from a terminal started, wherever it sent it. */
function sessionPids(sid: number): number[] {
  return execFileSync('ps', ['-e', '-o', 'pid=,sid='], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/\s+/).map(Number))
    .filter(([, s]) => s === sid)
    .map(([pid]) => pid);
}

/** The session a child leads: `script` starts the demo as the leader of a new session on its terminal. */
function sessionOfChildOf(parent: number): number | undefined {
  const rows = execFileSync('ps', ['-e', '-o', 'pid=,ppid=,sid='], { encoding: 'utf8' }).trim().split('\n').map((l) => l.trim().split(/\s+/).map(Number));
  return rows.find(([, ppid]) => ppid === parent)?.[2];
}

/**
 * `npm run demo` exactly as a newcomer runs it from a terminal (a pseudo-terminal here), with its own stack: every
 * outcome is read back from the parts while the demo keeps them running, then Ctrl-C stops all it started.
 */
describe('the demo, run from a terminal', () => {
  const dir = mkdtempSync(join(tmpdir(), 'modelship-demo-'));
  const ports = {
    ...stackPorts(BASE),
    DEMO_GATEWAY_PORT_A: String(BASE + 81),
    DEMO_GATEWAY_PORT_B: String(BASE + 82),
  };
  // The same login shell wherever the test runs, so a terminal's Ctrl-C behaves here as it does on CI.
  const env: NodeJS.ProcessEnv = { ...process.env, SHELL: '/bin/sh', STACK_DIR: dir, ...ports, REPORTS_DIR: join(dir, 'reports'), DEMO_DATA: 'synthetic' };
  for (const k of ['TEMPORAL_ADDRESS', 'TEMPORAL_UI_URL', 'MONGODB_URI', 'MONGODB_DB', 'SMTP_URL', 'MAIL_INBOX_URL', 'GATEWAY_URLS']) delete env[k];

  afterAll(async () => {
    // Only if the test failed before Ctrl-C: the stack must not outlive it.
    await run('bash', [join(root, 'scripts/stack.sh'), 'stop'], { env, cwd: root }).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  it('promotes the good models, rolls the failing one back in shadow and the subtly worse one at canary, keeps everything running until Ctrl-C, then stops all it started', async () => {
    // `exec`: `script` runs the command through the user's $SHELL; a shell left waiting in between (dash, for one) dies
    // of the Ctrl-C itself with 130 whatever the demo does with it.
    const command = `exec bash ${join(root, 'scripts/demo.sh')}`;
    const child = spawn('script', ['-qfec', command, '/dev/null'], { cwd: root, env, stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    let ended = false;
    void exited.then(() => (ended = true));
    while (!ended && !output.includes('Ctrl-C stops everything')) await new Promise((r) => setTimeout(r, 500));
    expect({ open: !ended, tail: output.slice(-3000) }).toMatchObject({ open: true });
    const sid = sessionOfChildOf(child.pid!)!;
    const started = sessionPids(sid);

    expect(output).toMatch(/movielens-als 1\.0\.0: promoted/);
    expect(output).toMatch(/movielens-als 1\.1\.0: promoted/);
    expect(output).toMatch(/movielens-als 1\.2\.0: rolled_back/);
    // The statistical judge: the subtly worse model is stopped on its successes alone, its equivalent promoted.
    expect(output).toMatch(/synthetic-reco 1\.0\.0: promoted/);
    expect(output).toMatch(/synthetic-reco 1\.1\.0: rolled_back/);
    expect(output).toMatch(/synthetic-reco 1\.2\.0: promoted/);
    expect(output).toMatch(/deploy-synthetic-reco-1\.1\.0 verdict that stopped it: success vs stable regressed to -\d+(\.\d)?% \(interval -\d/);
    expect(output).toMatch(/audit log: verified, \d+ events, chains intact, [1-9]\d* signed checkpoints hold/);
    expect(output).toContain(`http://127.0.0.1:${ports.STACK_TEMPORAL_UI_PORT}/namespaces/default/workflows/deploy-${MODEL}-1.1.0`);
    expect(output).toContain("query: WorkflowType = 'deployModelWorkflow' AND ModelName IN ('movielens-als', 'synthetic-reco')");
    expect(output).toContain('columns: add ModelName, ModelVersion, PipelineStage, TrafficPercent, Outcome');
    expect(output).toContain(`monitoring ${MODEL}: watching, champion 1.1.0, last known good 1.0.0`);
    expect(output).toContain('monitoring synthetic-reco: watching, champion 1.2.0, last known good 1.0.0');
    const reports = join(dir, 'reports');
    expect(existsSync(join(reports, `deploy-${MODEL}-1.1.0`, 'report.html'))).toBe(true);
    expect(existsSync(join(reports, `deploy-${MODEL}-1.2.0`, 'rollback.md'))).toBe(true);
    for (const version of ['1.1.0', '1.2.0']) expect(existsSync(join(reports, `deploy-${MODEL}-${version}`, 'audit-bundle.json'))).toBe(true);

    // The house is open: the Web UI, the inbox and both gateways answer.
    expect((await fetch(`http://127.0.0.1:${ports.STACK_TEMPORAL_UI_PORT}/namespaces/default/workflows`)).ok).toBe(true);
    for (const port of [ports.DEMO_GATEWAY_PORT_A, ports.DEMO_GATEWAY_PORT_B]) expect((await fetch(`http://127.0.0.1:${port}/healthz`)).ok).toBe(true);

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

    // Ctrl-C on the terminal: the demo stops everything it started (the stack, the worker, the gateways) and ends.
    const stack = ['temporal', 'ferretdb', 'maildev'].map((s) => Number(readFileSync(join(dir, 'pids', `${s}.pid`), 'utf8')));
    expect(stack.every((pid) => started.includes(pid))).toBe(true);
    child.stdin.write('\x03');
    expect(await exited).toBe(0);
    expect(output).toContain('stopping everything it started');
    expect(started.filter(isAlive)).toEqual([]);
    for (const port of [ports.DEMO_GATEWAY_PORT_A, ports.DEMO_GATEWAY_PORT_B]) {
      await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
    }
  });
});
