import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { abortUpdate, approveUpdate, pauseUpdate, promoteUpdate, rejectUpdate, resumeUpdate, statusQuery } from '../../src/contracts/messages';
import { fastSpec, startHarness, type Harness } from './pipeline-harness';
import { stuckAfter } from '../support/time-factor';

jest.setTimeout(stuckAfter(90_000));

const run = promisify(execFile);
const TEMPORAL = join(__dirname, '../../.tools/bin/temporal');

/** How many Updates the history holds as accepted: those a validator turned away are not among them. */
async function updatesInHistory(handle: WorkflowHandle): Promise<string[]> {
  const events = (await handle.fetchHistory()).events ?? [];
  return events.filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes).map((e) => e.workflowExecutionUpdateAcceptedEventAttributes!.acceptedRequest!.input!.name!);
}

describe('decisions and operator actions sent as Updates', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h?.stop());

  it('answers each decision at once: self-approval and strangers refused with the reason and audited, malformed input turned away before the history, a valid approval counted', async () => {
    const handle = await h.start(fastSpec('upd-decide'));
    await h.waitForStep(handle, (s) => s.step === 'awaiting_approval');

    expect(await handle.executeUpdate(approveUpdate, { args: [{ approver: 'alice', comment: 'my own model' }] })).toEqual({
      accepted: false,
      reason: 'alice submitted this pipeline and cannot also decide on it (four-eyes)',
    });
    const malformed = await handle.executeUpdate(approveUpdate, { args: [{ approver: '  ' }] }).catch((e: unknown) => e);
    expect(malformed).toBeInstanceOf(WorkflowUpdateFailedError);
    expect((malformed as WorkflowUpdateFailedError).cause?.message).toBe('approver: must name who decides');

    // A client other than this project's CLI: the stock temporal CLI reads the same answer. (Not spawnSync: the worker
    // that must answer runs in this process.)
    const cli = await run(TEMPORAL, [
      'workflow', 'update', 'execute', '--address', h.env.address, '--workflow-id', handle.workflowId,
      '--name', 'approve', '--input', JSON.stringify({ approver: 'mallory', comment: 'let me in' }), '--output', 'json',
    ]);
    expect(JSON.parse(cli.stdout)).toMatchObject({ result: { accepted: false, reason: 'mallory is not an approver of this pipeline' } });

    expect(await handle.executeUpdate(approveUpdate, { args: [{ approver: 'bob', comment: 'evidence reviewed' }] })).toEqual({ accepted: true, reason: 'approval by bob counted' });
    await h.waitForStep(handle, (s) => s.step === 'rollout' || s.step === 'bake' || s.step === 'done');
    expect(await handle.executeUpdate(rejectUpdate, { args: [{ approver: 'carol', comment: 'too late' }] })).toEqual({
      accepted: false,
      reason: 'it arrived after the approval was settled (bob approved)',
    });
    expect(await handle.result()).toMatchObject({ outcome: 'promoted' });

    const audits = h.world('upd-decide').audits.filter((a) => a.type === 'approval.approve' || a.type === 'approval.reject');
    expect(audits.map((a) => [a.type, a.outcome, a.actor])).toEqual([
      ['approval.approve', 'refused', 'user:alice'],
      ['approval.approve', 'refused', 'user:mallory'],
      ['approval.approve', 'success', 'user:bob'],
      ['approval.reject', 'refused', 'user:carol'],
    ]);
    // The malformed one never entered the history; the four judged ones did.
    expect(await updatesInHistory(handle)).toEqual(['approve', 'approve', 'approve', 'reject']);
    await h.record(handle, 'decisions-as-updates');
  });

  it('answers operator actions at once: refused before the rollout, accepted and audited during it, with promote audited like the rest', async () => {
    const handle = await h.start(fastSpec('upd-operate', { rollout: { window: '20s', checkInterval: '100ms', bake: '20s', confirmTimeout: '5s' } }));
    await h.waitForStep(handle, (s) => s.step === 'awaiting_approval');
    expect(await handle.executeUpdate(pauseUpdate, { args: [{ actor: 'ops-dan', reason: 'too early' }] })).toEqual({
      accepted: false,
      reason: 'nothing is rolled out yet: the pipeline is at awaiting_approval; reject it instead',
    });
    const malformed = await handle.executeUpdate(abortUpdate, { args: [{ actor: '' }] }).catch((e: unknown) => e);
    expect((malformed as WorkflowUpdateFailedError).cause?.message).toBe('actor: must name who acts');

    await handle.executeUpdate(approveUpdate, { args: [{ approver: 'bob' }] });
    await h.waitForStep(handle, (s) => s.step === 'rollout' && s.stage !== null);
    expect(await handle.executeUpdate(pauseUpdate, { args: [{ actor: 'ops-dan', reason: 'looking at dashboards' }] })).toMatchObject({ accepted: true });
    expect(await handle.executeUpdate(pauseUpdate, { args: [{ actor: 'ops-eve' }] })).toEqual({ accepted: false, reason: 'the rollout is already paused' });
    expect((await handle.query(statusQuery)).paused).toBe(true);
    expect(await handle.executeUpdate(resumeUpdate, { args: [{ actor: 'ops-dan' }] })).toMatchObject({ accepted: true });
    expect(await handle.executeUpdate(promoteUpdate, { args: [{ actor: 'ops-dan', reason: 'urgent fix' }] })).toEqual({
      accepted: true,
      reason: 'promotion requested: the remaining windows are skipped at the next check',
    });
    expect(await handle.result()).toMatchObject({ outcome: 'promoted' });

    const audits = h.world('upd-operate').audits.filter((a) => a.type.startsWith('operator.'));
    expect(audits.map((a) => [a.type, a.outcome, a.actor])).toEqual([
      ['operator.pause', 'refused', 'user:ops-dan'],
      ['operator.pause', 'success', 'user:ops-dan'],
      ['operator.pause', 'refused', 'user:ops-eve'],
      ['operator.resume', 'success', 'user:ops-dan'],
      ['operator.promote', 'success', 'user:ops-dan'],
    ]);
    await h.record(handle, 'operator-actions-as-updates');
  });
});
