import { spawn } from 'node:child_process';
import { readdirSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { stackPorts } from '../../support/stack-ports';
import { stuckAfter } from '../../support/time-factor';

jest.setTimeout(stuckAfter(300_000));

const root = join(__dirname, '../../..');
const BASE = 28_000;
const SEED = 90_017;

const answers = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });

describe('the soak, stopped by SIGINT sent to its process alone', () => {
  it('keeps its evidence, prints its verdict and stops every process it started', async () => {
    const evidence = join(root, '.data', 'soak', `seed-${SEED}`);
    rmSync(evidence, { recursive: true, force: true });
    const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'test/soak/main.ts'), '--seed', String(SEED), '--versions', '2', '--models', '1', '--port-base', String(BASE)], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

    // Interrupted once its stack is up and its first pipeline is on its way.
    const ports = Object.values(stackPorts(BASE)).map(Number);
    const temporalPort = Number(stackPorts(BASE).STACK_TEMPORAL_PORT);
    while (!(await answers(temporalPort))) {
      if (child.exitCode !== null) throw new Error(`the soak ended before its stack was up:\n${out}`);
      await new Promise((r) => setTimeout(r, 500));
    }
    await new Promise((r) => setTimeout(r, 15_000));
    child.kill('SIGINT');
    const code = await exited;

    const lines = out.trim().split('\n');
    const verdict = JSON.parse(lines[lines.length - 1]) as { soak: string; seed: number; violations: number };
    expect(verdict).toMatchObject({ soak: 'lifecycle', seed: SEED });
    expect(verdict.violations).toBeGreaterThanOrEqual(1);
    expect(out).toContain('the soak runs to its end: stopped by a signal');
    expect(code).toBe(2);

    const kept = readdirSync(evidence);
    expect(kept).toEqual(expect.arrayContaining(['worker-1.log', 'soak.log', 'runs.tsv']));
    expect(kept.some((f) => /^gateway-\d+-.+\.log$/.test(f))).toBe(true);
    for (const port of ports) expect({ port, answers: await answers(port) }).toEqual({ port, answers: false });
  });
});
