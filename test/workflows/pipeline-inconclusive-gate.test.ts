import { WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { approveSignal, statusQuery } from '../../src/contracts/messages';
import { startPipeline } from '../../src/client/start-pipeline';
import type { Scenario } from './fake-activities';
import { fastSpec, startHarness, type Harness } from './pipeline-harness';

jest.setTimeout(90_000);

/**
 * A gate that failed for a reason outside the model (the machine too slow to measure on) must not burn the version
 * number; one that failed because of the model must. Both pipelines start as people start them (startPipeline, with
 * its id-reuse policy), so the second start is refused or accepted exactly as it would be in production.
 */
describe('a gate failure outside the model leaves the version re-runnable, a model failure does not', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h?.stop());

  async function start(model: string, scenario: Scenario) {
    h.scenarios.set(model, scenario);
    return startPipeline(h.env.client, fastSpec(model), h.taskQueue);
  }

  const failureOf = (handle: WorkflowHandle) => handle.result().then(
    () => null,
    (e: WorkflowFailedError) => e.cause as { type?: string; message: string },
  );

  it('ends an inconclusive gate as inconclusive, rolls the version back instead of rejecting it, and runs it again', async () => {
    const model = 'gate-inconclusive';
    const first = await start(model, { failOutsideModel: ['scenarios'] });
    const failure = await failureOf(first.handle);
    expect(failure).toMatchObject({ type: 'GateInconclusive' });
    expect(failure!.message).toBe('scenarios gate inconclusive: scenarios inconclusive: the machine was slow. The version is not rejected: run the same version again');
    const w = h.world(model);
    expect(w.statuses).toEqual(['validating', 'rolled_back']);
    expect(await first.handle.query(statusQuery)).toMatchObject({ outcome: 'inconclusive', step: 'done', trafficPercent: 0 });
    expect(w.mails.map((m) => [m.kind, m.subject])).toEqual([['rolled_back', `Gates inconclusive, run it again: ${model} 2.0.0`]]);
    expect(w.mails[0].lines.join('\n')).toContain('so the version is not rejected');
    expect(w.calls.map((c) => c.name)).not.toContain('applyRoute');
    await h.record(first.handle, 'gate-inconclusive');

    h.scenarios.set(model, {});
    const second = await startPipeline(h.env.client, fastSpec(model), h.taskQueue);
    expect(second.started).toBe(true);
    await h.waitForStep(second.handle, (s) => s.step === 'awaiting_approval');
    await second.handle.signal(approveSignal, { approver: 'bob', comment: 'measured on a quiet worker' });
    expect(await second.handle.result()).toMatchObject({ outcome: 'promoted' });
    expect(w.statuses).toEqual(['validating', 'rolled_back', 'validating', 'awaiting_approval', 'rolling_out', 'production']);
  });

  it('rejects the version, finally, when a check failed because of the model, even beside an inconclusive one', async () => {
    const model = 'gate-model-and-machine';
    const first = await start(model, { failGate: 'validation', failOutsideModel: ['scenarios'] });
    expect(await first.handle.result()).toMatchObject({ outcome: 'rejected', cause: { type: 'GateFailed' } });
    const w = h.world(model);
    expect(w.statuses).toEqual(['validating', 'rejected']);
    expect(w.mails.map((m) => m.subject)).toEqual([`Rejected: ${model} 2.0.0`]);

    h.scenarios.set(model, {});
    const second = await startPipeline(h.env.client, fastSpec(model), h.taskQueue);
    expect(second.started).toBe(false);
    expect(w.statuses).toEqual(['validating', 'rejected']);
  });
});
