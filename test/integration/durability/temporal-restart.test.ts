import { statusQuery } from '../../../src/contracts/messages';
import { expectDeliveredOnce, intoCanaryWindow, isAlive, openPrivateStack, sleep, type PrivateStack } from './private-stack';
import { stuckAfter } from '../../support/time-factor';

jest.setTimeout(stuckAfter(150_000));

describe('the Temporal dev server killed and started again mid-pipeline', () => {
  let stack: PrivateStack | undefined;

  afterAll(async () => {
    await stack?.close();
  });

  it('keeps the pipeline in its SQLite file; the same worker process reconnects and the pipeline promotes, nothing duplicated', async () => {
    const t0 = Date.now();
    stack = await openPrivateStack('tr', 22000);
    const { handle, stage, generationsBefore } = await intoCanaryWindow(stack);

    const worker = stack.worker;
    const temporal = stack.pid('temporal');
    const ferret = stack.pid('ferretdb');
    const maildev = stack.pid('maildev');
    process.kill(temporal, 'SIGKILL');
    for (let i = 0; i < 50 && isAlive(temporal); i++) await sleep(100);
    expect(isAlive(temporal)).toBe(false);
    await sleep(1000);
    const down = Date.now();
    await stack.stackScript('start'); // starts only what is not alive: the Temporal server
    const restartMs = Date.now() - down;
    expect(stack.pid('temporal')).not.toBe(temporal);
    expect([stack.pid('ferretdb'), stack.pid('maildev')]).toEqual([ferret, maildev]);

    // The workflow survived in the SQLite file: the new server answers its status query.
    expect((await handle.query(statusQuery)).step).not.toBe('done');
    expect(await stack.resultWithin(handle)).toMatchObject({ outcome: 'promoted' });
    // The very same worker process carried the pipeline on: it reconnected by itself.
    expect(stack.worker).toBe(worker);
    expect({ exitCode: worker.child.exitCode, signal: worker.child.signalCode }).toEqual({ exitCode: null, signal: null });
    expect(stack.workerOutputs()).toHaveLength(1);

    const seen = await expectDeliveredOnce(stack, handle, '2.0.0', generationsBefore);
    console.log(`temporal restart: killed at stage ${stage}; server back in ${restartMs} ms; ${JSON.stringify({ ...seen, changeKeys: undefined })}; +${Date.now() - t0} ms`);
  });
});
