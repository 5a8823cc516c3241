import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { MongoClient } from 'mongodb';
import { freePort } from '../../support/ports';
import { isAlive } from '../../support/processes';
import { stuckAfter } from '../../support/time-factor';

jest.setTimeout(stuckAfter(180_000));
const run = promisify(execFile);
const root = join(__dirname, '../../..');

describe('the stack scripts', () => {
  // A second stack on ports free right now and its own state directory, so the one the suite runs on is not disturbed.
  const dir = mkdtempSync(join(tmpdir(), 'modelship-stack-'));
  const names = ['STACK_TEMPORAL_PORT', 'STACK_TEMPORAL_UI_PORT', 'STACK_MONGO_PORT', 'STACK_MONGO_DEBUG_PORT', 'STACK_SMTP_PORT', 'STACK_INBOX_PORT'] as const;
  let ports: Record<(typeof names)[number], string>;
  let env: NodeJS.ProcessEnv;
  // The suite's own stack: a service given from outside must answer.
  const suite = { TEMPORAL_ADDRESS: process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233', SMTP_URL: process.env.SMTP_URL ?? 'smtp://127.0.0.1:1025' };
  const stack = (cmd: string) => run('bash', [join(root, 'scripts/stack.sh'), cmd], { env, cwd: root });

  beforeAll(async () => {
    ports = Object.fromEntries(await Promise.all(names.map(async (name) => [name, String(await freePort())]))) as typeof ports;
    env = { ...process.env, STACK_DIR: dir, ...ports, TEMPORAL_ADDRESS: '', MONGODB_URI: '', SMTP_URL: '' };
  });
  const pids = () =>
    Object.fromEntries(
      readdirSync(join(dir, 'pids')).map((f) => [f.replace(/\.pid$/, ''), Number(readFileSync(join(dir, 'pids', f), 'utf8'))]),
    );

  afterAll(async () => {
    await stack('stop').catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  it('starts every service ready to answer, then stops every recorded process', async () => {
    await stack('start');
    const started = pids();
    expect(Object.keys(started).sort()).toEqual(['ferretdb', 'maildev', 'temporal']);
    for (const pid of Object.values(started)) expect(isAlive(pid)).toBe(true);

    const mongo = new MongoClient(`mongodb://127.0.0.1:${ports.STACK_MONGO_PORT}/`, { serverSelectionTimeoutMS: 2000 });
    await mongo.db('probe').collection('c').insertOne({ ok: 1 });
    expect(await mongo.db('probe').collection('c').countDocuments()).toBe(1);
    await mongo.close();
    const inbox = await fetch(`http://127.0.0.1:${ports.STACK_INBOX_PORT}/email`);
    expect(await inbox.json()).toEqual([]);
    const ui = await fetch(`http://127.0.0.1:${ports.STACK_TEMPORAL_UI_PORT}/`);
    expect(ui.status).toBe(200);
    const { stdout } = await run(join(root, '.tools/bin/temporal'), [
      'operator', 'search-attribute', 'list', '--address', `127.0.0.1:${ports.STACK_TEMPORAL_PORT}`,
    ]);
    for (const attr of ['ModelName', 'ModelVersion', 'PipelineStage', 'TrafficPercent', 'Outcome']) expect(stdout).toContain(attr);

    await stack('stop');
    for (const pid of Object.values(started)) expect(isAlive(pid)).toBe(false);
    expect(readdirSync(join(dir, 'pids'))).toEqual([]);
  });

  it('starts nothing for a service whose address is given', async () => {
    await run('bash', [join(root, 'scripts/stack.sh'), 'start'], {
      env: { ...env, ...suite },
      cwd: root,
    });
    expect(Object.keys(pids())).toEqual(['ferretdb']);
    await stack('stop');
  });

  it('fails, naming each given service that does not answer, instead of saying ready', async () => {
    const [temporal, mongo, smtp] = await Promise.all([freePort(), freePort(), freePort()]);
    const given = { TEMPORAL_ADDRESS: `127.0.0.1:${temporal}`, MONGODB_URI: `mongodb://ops:s3cret@127.0.0.1:${mongo}/`, SMTP_URL: `smtp://127.0.0.1:${smtp}` };
    const started = await run('bash', [join(root, 'scripts/stack.sh'), 'start'], { env: { ...env, ...given, STACK_READY_TIMEOUT: '2' }, cwd: root }).then(
      () => ({ code: 0, stdout: '', stderr: '' }),
      (err: { code: number; stdout: string; stderr: string }) => err,
    );
    expect(started.code).toBe(1);
    expect(started.stdout).not.toContain('ready');
    expect(started.stderr).toContain(`stack: TEMPORAL_ADDRESS was given (127.0.0.1:${temporal}) but does not answer after 2s`);
    expect(started.stderr).toContain(`stack: MONGODB_URI was given (mongodb://ops:***@127.0.0.1:${mongo}/) but does not answer after 2s`);
    expect(started.stderr).toContain(`stack: SMTP_URL was given (smtp://127.0.0.1:${smtp}) but does not answer after 2s`);
    expect(started.stderr).not.toContain('s3cret');
    expect(existsSync(join(dir, 'pids')) ? readdirSync(join(dir, 'pids')) : []).toEqual([]);
  });

  it('says ready, and names what was given, when every given service answers', async () => {
    const { stdout } = await run('bash', [join(root, 'scripts/stack.sh'), 'start'], {
      env: { ...env, ...suite, MONGODB_URI: process.env.MONGODB_URI ?? 'mongodb://127.0.0.1:27017/' },
      cwd: root,
    });
    expect(stdout).toContain(`stack: ready — Temporal ${suite.TEMPORAL_ADDRESS} (given, accepts connections)`);
    expect(stdout).toContain('(given, answers a ping)');
    expect(stdout).toContain(`SMTP ${suite.SMTP_URL} (given, accepts connections)`);
  });
});
