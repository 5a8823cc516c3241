import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from '@temporalio/worker';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { monitorStatusQuery, type MonitorInput, type MonitorStatus } from '../../src/contracts/monitoring';
import { monitorModel } from '../../src/contracts/workflows';
import { WORKFLOWS_PATH } from '../../src/worker';
import { createLocalTestEnv } from '../support/workflow-env';
import { createWorldFile, fileWorldActivities, MODEL, readWorld } from './crash/file-world';
import { CHAMPION, LAST_GOOD } from './fake-monitor';
import { stuckAfter } from '../support/time-factor';

jest.setTimeout(stuckAfter(120_000));

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A worker killed while the monitor rolls back: production was already put back, but the workflow task that did it
 * was never completed, so none of it is in the history. The next worker must finish that same rollback. What it must
 * not do is judge production afresh: production now looks healthy precisely because of the rollback the dead worker
 * made.
 */
describe('a monitor whose worker is killed in the middle of a rollback', () => {
  let env: TestWorkflowEnvironment;
  const dir = mkdtempSync(join(tmpdir(), 'modelship-monitor-crash-'));
  beforeAll(async () => {
    env = await createLocalTestEnv();
  });
  afterAll(async () => {
    await env?.teardown();
    rmSync(dir, { recursive: true, force: true });
  });

  it('finishes the rollback on the next worker, each change made once, though production already looks healthy again', async () => {
    const file = join(dir, 'world.json');
    createWorldFile(file);
    const taskQueue = `monitor-crash-${randomUUID()}`;
    const doomed = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'crash/doomed-worker.ts'), env.address, taskQueue, file], { stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = new Promise((resolve) => doomed.once('exit', resolve));
    let output = '';
    doomed.stdout!.on('data', (d) => (output += d));
    const input: MonitorInput = { model: MODEL, champion: CHAMPION, lastKnownGood: LAST_GOOD, handedOverBy: `deploy-${MODEL}-2.0.0` };
    const handle = await env.client.workflow.start(monitorModel.name, { workflowId: `monitor-${MODEL}-${randomUUID()}`, taskQueue, args: [input] });
    try {
      for (let i = 0; !readWorld(file).hungOnMail; i++) {
        if (i > 600) throw new Error(`the first worker never reached the rolled-back mail:\n${output}`);
        await sleep(100);
      }
      const before = readWorld(file);
      expect(before.reverts).toEqual([{ stable: '1.0.0' }]);
      expect(before.holds.champion).toBe('1.0.0');
      doomed.kill('SIGKILL');
      await exited;

      const next = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowsPath: WORKFLOWS_PATH, activities: fileWorldActivities(file, false) });
      const status = await next.runUntil(async () => {
        for (;;) {
          const s: MonitorStatus = await handle.query(monitorStatusQuery);
          if ((s.rollbacks.length > 0 && s.champion?.version === LAST_GOOD.version) || s.checks >= 40) return s;
          await sleep(100);
        }
      });
      expect(status.rollbacks).toEqual([expect.objectContaining({ from: '2.0.0', to: '1.0.0' })]);
      expect(status).toMatchObject({ champion: LAST_GOOD, lastKnownGood: null });
      const world = readWorld(file);
      // Production was put back once, by the first worker; the second found each of its steps done under its key.
      expect(world.reverts).toEqual([{ stable: '1.0.0' }]);
      expect(world.aliases).toEqual([{ alias: 'champion', to: '1.0.0' }, { alias: 'last-known-good', to: null }]);
      expect(world.statuses).toEqual(['rolled_back']);
      expect(world.audits.map((a) => a.type)).toEqual(['monitor.breach', 'monitor.rolled_back']);
      expect(world.mails.map((m) => m.kind)).toEqual(['monitor_alert', 'monitor_rolled_back']);
    } finally {
      doomed.kill('SIGKILL');
      await handle.terminate('test finished').catch(() => undefined);
    }
  });
});
