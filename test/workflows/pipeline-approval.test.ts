import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { approveSignal, rejectSignal, statusQuery } from '../../src/contracts/messages';
import { fastSpec, startHarness, type Harness } from './pipeline-harness';
import { stuckAfter } from '../support/time-factor';

jest.setTimeout(stuckAfter(90_000));

describe('deployModelWorkflow approval gate', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h?.stop());

  it('ends as rejected when an approver rejects, and production is not touched', async () => {
    const handle = await h.start(fastSpec('rejected'));
    await h.waitForStep(handle, (s) => s.step === 'awaiting_approval');
    await handle.signal(rejectSignal, { approver: 'carol', comment: 'drift looks risky' });
    expect(await handle.result()).toMatchObject({ outcome: 'rejected' });
    const w = h.world('rejected');
    expect(w.calls.map((c) => c.name)).not.toContain('applyRoute');
    expect(w.statuses).toEqual(['validating', 'awaiting_approval', 'rejected']);
    expect(w.audits.find((a) => a.type === 'approval.reject')).toMatchObject({ outcome: 'success', actor: 'user:carol' });
    expect(w.mails.map((m) => m.kind)).toEqual(['approval_requested', 'rejected']);
    expect(w.mails[1].lines[0]).toBe('Why: rejected by carol: drift looks risky');
    await h.record(handle, 'approval-rejected');
  });

  it('sends a reminder, then ends as expired at the deadline without changing production', async () => {
    const handle = await h.start(fastSpec('expired', { approval: { approvers: ['bob'], deadline: '2s', reminderBefore: '1s', requireSignatures: false } }));
    expect(await handle.result()).toMatchObject({ outcome: 'expired' });
    const w = h.world('expired');
    expect(w.mails.map((m) => m.kind)).toEqual(['approval_requested', 'approval_reminder', 'rejected']);
    expect(w.mails[2].subject).toBe('Approval expired: expired 2.0.0');
    expect(w.audits.find((a) => a.type === 'approval.expired')).toMatchObject({ outcome: 'refused' });
    expect(w.calls.map((c) => c.name)).not.toContain('applyRoute');
    expect(w.statuses.at(-1)).toBe('rejected');
    expect((await handle.query(statusQuery)).outcome).toBe('expired');
    await h.record(handle, 'approval-expired');
  });

  it('refuses and audits self-approval, strangers and malformed signals, and counts only valid approvals', async () => {
    const handle = await h.start(fastSpec('four-eyes', { approval: { approvers: ['alice', 'bob', 'carol'], required: 2, requireSignatures: false } }));
    await h.waitForStep(handle, (s) => s.step === 'awaiting_approval');
    await handle.signal(approveSignal, { approver: 'alice', comment: 'my own model' });
    await handle.signal(approveSignal, { approver: 'mallory', comment: 'let me in' });
    await handle.signal(approveSignal, { approver: '' } as never);
    await handle.signal(approveSignal, { approver: 'bob', comment: 'ok' });
    await handle.signal(approveSignal, { approver: 'bob', comment: 'ok again' });
    const waiting = await h.waitForStep(handle, (s) => s.approvals.length === 5);
    expect(waiting.step).toBe('awaiting_approval');
    expect(waiting.approvals.map((a) => [a.approver, a.accepted, a.reason ?? ''])).toEqual([
      ['alice', false, 'alice submitted this pipeline and cannot also decide on it (four-eyes)'],
      ['mallory', false, 'mallory is not an approver of this pipeline'],
      ['', false, 'approver: must name who decides'],
      ['bob', true, ''],
      ['bob', false, 'bob has already decided'],
    ]);
    await handle.signal(approveSignal, { approver: 'carol', comment: 'second pair of eyes' });
    expect(await handle.result()).toMatchObject({ outcome: 'promoted' });
    const audits = h.world('four-eyes').audits.filter((a) => a.type.startsWith('approval.approve'));
    expect(audits.map((a) => a.outcome)).toEqual(['refused', 'refused', 'refused', 'success', 'refused', 'success']);
    await h.record(handle, 'approval-two-of-three');
  });
});

describe('deployModelWorkflow started and approved from outside', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h?.stop());

  it('starts once when started twice, and takes approval from the stock temporal CLI', async () => {
    const { startPipeline } = await import('../../src/client/start-pipeline');
    const spec = fastSpec('cli-approve');
    h.scenarios.set('cli-approve', {});
    const first = await startPipeline(h.env.client, spec, h.taskQueue);
    const second = await startPipeline(h.env.client, spec, h.taskQueue);
    expect([first.started, second.started]).toEqual([true, false]);
    expect((await second.handle.describe()).runId).toBe((await first.handle.describe()).runId);

    await h.waitForStep(first.handle, (s) => s.step === 'awaiting_approval');
    const cli = spawnSync(join(__dirname, '../../.tools/bin/temporal'), [
      'workflow', 'signal', '--address', h.env.address, '--workflow-id', first.workflowId,
      '--name', 'approve', '--input', JSON.stringify({ approver: 'carol', comment: 'approved from the temporal CLI' }),
    ], { encoding: 'utf8' });
    expect(cli.status).toBe(0);
    expect(await first.handle.result()).toMatchObject({ outcome: 'promoted' });
    const status = await first.handle.query(statusQuery);
    expect(status.approvals).toEqual([expect.objectContaining({ approver: 'carol', comment: 'approved from the temporal CLI', accepted: true })]);
  });
});
