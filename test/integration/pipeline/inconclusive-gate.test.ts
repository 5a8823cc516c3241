import { WorkflowFailedError } from '@temporalio/client';
import { startPipeline } from '../../../src/client/start-pipeline';
import { rejectSignal, statusQuery } from '../../../src/contracts/messages';
import { OutcomeKey } from '../../../src/contracts/search-attributes';
import { openStack, promoteFirst, type Stack } from './stack-fixture';

jest.setTimeout(300_000);

/**
 * On the real stack: a scenario gate that cannot tell the model from the machine does not reject the version, and the
 * same version number is started again and runs. The machine is made "too slow" by a ceiling no ranking can meet,
 * which the champion, measured beside the candidate, fails too.
 */
describe('a latency gate that fails for a reason outside the model', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await openStack('ig');
    await promoteFirst(stack);
  });

  afterAll(async () => {
    await stack?.close();
  });

  it('leaves the version re-runnable, says so by mail, and a second pipeline for the same version starts and runs', async () => {
    const { client, env, fixture, model } = stack;
    await fixture.register('2.0.0', { seed: 2 });
    const first = await startPipeline(client, stack.spec('2.0.0', { gates: { scenarios: { latencyBudgetP99Ms: 1e-6 } } }), env.TEMPORAL_TASK_QUEUE);
    const failure = await first.handle.result().then(
      () => null,
      (e: WorkflowFailedError) => e.cause as { type?: string; message: string },
    );
    expect(failure).toMatchObject({ type: 'GateInconclusive' });
    expect(failure!.message).toContain("scenarios gate inconclusive: top-10 latency over 300 users");
    expect(failure!.message).toContain("the champion's own p99 is over the ceiling 0.000001 ms");

    expect((await fixture.registry.getVersion(model, '2.0.0'))!.status).toBe('rolled_back');
    expect(await first.handle.query(statusQuery)).toMatchObject({ outcome: 'inconclusive', step: 'done' });
    expect((await first.handle.describe()).typedSearchAttributes.get(OutcomeKey)).toBe('inconclusive');
    const mails = await stack.mailsFor('2.0.0');
    expect(mails.map((m) => m.subject)).toEqual([`[modelship] Gates inconclusive, run it again: ${model} 2.0.0`]);
    expect(mails[0].text).toContain('so the version is not rejected');
    expect((await fixture.registry.getAlias(model, 'champion')).version).toBe('1.0.0');

    // The same version, the same workflow id, with the default ceiling: the start is accepted and the gates pass.
    const second = await stack.startUntilApproval('2.0.0');
    expect(second.workflowId).toBe(first.workflowId);
    expect((await fixture.registry.getVersion(model, '2.0.0'))!.status).toBe('awaiting_approval');
    await second.signal(rejectSignal, { approver: 'bob', comment: 'only the second start was under test' });
    expect(await second.result()).toMatchObject({ outcome: 'rejected', cause: { type: 'ApprovalRejected' } });
  });
});
