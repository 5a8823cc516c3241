import { expectDeliveredOnce, intoCanaryWindow, isAlive, openPrivateStack, sleep, type PrivateStack } from './private-stack';
import { stuckAfter } from '../../support/time-factor';

jest.setTimeout(stuckAfter(150_000));

describe('a worker killed with SIGKILL during a monitoring window', () => {
  let stack: PrivateStack | undefined;

  afterAll(async () => {
    await stack?.close();
  });

  it('is replaced by a new worker process and the pipeline promotes with nothing duplicated', async () => {
    const t0 = Date.now();
    stack = await openPrivateStack('wk', 21000);
    const { handle, stage, generationsBefore } = await intoCanaryWindow(stack);

    const killed = stack.worker.child.pid!;
    await stack.killWorker('SIGKILL');
    expect(isAlive(killed)).toBe(false);
    await sleep(1000);
    await stack.startWorker();

    expect(await stack.resultWithin(handle)).toMatchObject({ outcome: 'promoted' });
    const seen = await expectDeliveredOnce(stack, handle, '2.0.0', generationsBefore);
    console.log(`worker kill: killed at stage ${stage}; ${JSON.stringify(seen)}; +${Date.now() - t0} ms`);
  });
});
