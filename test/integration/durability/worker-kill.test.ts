import { approveSignal } from '../../../src/contracts/messages';
import { deployFirst, expectDeliveredOnce, isAlive, openPrivateStack, routeHistory, sleep, type PrivateStack } from './private-stack';

jest.setTimeout(150_000);

describe('a worker killed with SIGKILL during a monitoring window', () => {
  let stack: PrivateStack | undefined;

  afterAll(async () => {
    await stack?.close();
  });

  it('is replaced by a new worker process and the pipeline promotes with nothing duplicated', async () => {
    const t0 = Date.now();
    stack = await openPrivateStack('wk', 21000);
    await deployFirst(stack, '1.0.0');
    const generationsBefore = (await routeHistory(stack)).length;

    await stack.fixture.register('2.0.0', { seed: 2 });
    const handle = await stack.startUntilApproval('2.0.0');
    await handle.signal(approveSignal, { approver: 'bob', comment: 'ok' });
    const stage = await stack.waitForStage(handle, ['canary']);
    await sleep(1000); // inside the window: checks running, their activities in flight

    const killed = stack.worker.child.pid!;
    await stack.killWorker('SIGKILL');
    expect(isAlive(killed)).toBe(false);
    await sleep(1000);
    await stack.startWorker();

    expect(await handle.result()).toMatchObject({ outcome: 'promoted' });
    const seen = await expectDeliveredOnce(stack, handle, '2.0.0', generationsBefore);
    console.log(`worker kill: killed at stage ${stage}; ${JSON.stringify(seen)}; +${Date.now() - t0} ms`);
  });
});
