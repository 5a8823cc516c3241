import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../../support/ports';
import { isAlive } from '../../support/processes';

jest.setTimeout(420_000);

const run = promisify(execFile);
const root = join(__dirname, '../../..');

/**
 * SIGINT or SIGTERM sent to the process that runs the demo alone, as a process supervisor or `kill` does (not a
 * terminal's Ctrl-C, which reaches every process of the terminal): `npm run demo`, which passes the signal on, or the
 * script itself. The demo stops at once and stops all it started.
 */
describe.each([
  ['SIGINT', 'npm run demo'],
  ['SIGTERM', 'bash scripts/demo.sh'],
] as const)('the demo sent %s, to %s alone', (signal, entry) => {
  const dir = mkdtempSync(join(tmpdir(), 'modelship-demo-signal-'));
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    const names = ['STACK_TEMPORAL_PORT', 'STACK_TEMPORAL_UI_PORT', 'STACK_MONGO_PORT', 'STACK_MONGO_DEBUG_PORT', 'STACK_SMTP_PORT', 'STACK_INBOX_PORT', 'DEMO_GATEWAY_PORT_A', 'DEMO_GATEWAY_PORT_B'];
    const ports = Object.fromEntries(await Promise.all(names.map(async (n) => [n, String(await freePort())])));
    env = { ...process.env, STACK_DIR: dir, ...ports, REPORTS_DIR: join(dir, 'reports'), DEMO_DATA: 'synthetic' };
    for (const k of ['TEMPORAL_ADDRESS', 'TEMPORAL_UI_URL', 'MONGODB_URI', 'MONGODB_DB', 'SMTP_URL', 'MAIL_INBOX_URL', 'GATEWAY_URLS']) delete env[k];
  });

  afterAll(async () => {
    // Only if the test failed before the demo stopped: the stack must not outlive it.
    await run('bash', [join(root, 'scripts/stack.sh'), 'stop'], { env, cwd: root }).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  it('stops the demo and every process it started, leaving no pid file', async () => {
    const [command, ...args] = entry === 'npm run demo' ? ['npm', 'run', '--silent', 'demo', '--', '--exit'] : ['bash', join(root, 'scripts/demo.sh'), '--exit'];
    const child = spawn(command!, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    let ended = false;
    void exited.then(() => (ended = true));
    // The demo itself has begun deploying: the stack, the gateways and the worker are all up by then.
    while (!ended && !output.includes('demo: data:')) await new Promise((r) => setTimeout(r, 200));
    expect({ open: !ended, tail: output.slice(-2000) }).toMatchObject({ open: true });
    const pidDir = join(dir, 'pids');
    const started = readdirSync(pidDir).map((f) => [f, Number(readFileSync(join(pidDir, f), 'utf8'))] as const);
    expect(started.map(([f]) => f).sort()).toEqual(['demo-gateway-a.pid', 'demo-gateway-b.pid', 'demo-worker.pid', 'ferretdb.pid', 'maildev.pid', 'temporal.pid']);

    process.kill(child.pid!, signal);
    expect(await exited).toBe(0);
    expect(output).toContain('demo: stopping everything it started');
    // It did not deploy on to the end first: the summary never came.
    expect(output).not.toContain('audit log:');
    for (const [name, pid] of started) expect({ name, alive: isAlive(pid) }).toEqual({ name, alive: false });
    expect(existsSync(pidDir) ? readdirSync(pidDir) : []).toEqual([]);
    const { stdout } = await run('bash', [join(root, 'scripts/stack.sh'), 'status'], { env, cwd: root });
    expect(stdout).toBe('temporal stopped\nferretdb stopped\nmaildev stopped\n');
  });
});
