import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { MongoClient } from 'mongodb';
import { isAlive } from '../../support/processes';
import { stuckAfter } from '../../support/time-factor';

jest.setTimeout(stuckAfter(180_000));
const run = promisify(execFile);
const root = join(__dirname, '../../..');

describe('the stack scripts', () => {
  // A second stack on its own ports and state directory, so the one the suite runs on is not disturbed.
  const dir = mkdtempSync(join(tmpdir(), 'modelship-stack-'));
  const ports = {
    STACK_TEMPORAL_PORT: '17233',
    STACK_TEMPORAL_UI_PORT: '18233',
    STACK_MONGO_PORT: '37017',
    STACK_MONGO_DEBUG_PORT: '37018',
    STACK_SMTP_PORT: '11025',
    STACK_INBOX_PORT: '11080',
  };
  const env = { ...process.env, STACK_DIR: dir, ...ports, TEMPORAL_ADDRESS: '', MONGODB_URI: '', SMTP_URL: '' };
  const stack = (cmd: string) => run('bash', [join(root, 'scripts/stack.sh'), cmd], { env, cwd: root });
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
      env: { ...env, TEMPORAL_ADDRESS: '127.0.0.1:7233', SMTP_URL: 'smtp://127.0.0.1:1025' },
      cwd: root,
    });
    expect(Object.keys(pids())).toEqual(['ferretdb']);
    await stack('stop');
  });
});
