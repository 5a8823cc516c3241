import { WorkflowFailedError } from '@temporalio/client';
import { approveSignal, statusQuery } from '../../src/contracts/messages';
import { CANDIDATE_SHA, STABLE } from './fake-activities';
import { fastSpec, startHarness, type Harness } from './pipeline-harness';
import { stuckAfter } from '../support/time-factor';

jest.setTimeout(stuckAfter(90_000));

describe('deployModelWorkflow, happy path and gates', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h?.stop());

  it('carries an approved model through every stage to 100% and moves the champion', async () => {
    const handle = await h.start(fastSpec('happy'));
    await h.waitForStep(handle, (s) => s.step === 'awaiting_approval');
    await handle.signal(approveSignal, { approver: 'bob', comment: 'evidence looks good' });
    const result = await handle.result();

    expect(result.outcome).toBe('promoted');
    const w = h.world('happy');
    const routeKeys = w.calls.filter((c) => c.name === 'applyRoute').map((c) => (c.input as { key: string }).key.split(':').pop());
    expect(routeKeys).toEqual(['shadow', 'canary', 'quarter', 'half', 'full', 'promoted']);
    expect(w.routes.get('happy')!.spec).toEqual({ stable: { version: '2.0.0', sha256: CANDIDATE_SHA }, candidate: null, shadow: null, killSwitch: 'off' });
    expect(w.aliases.get('champion')).toBe('2.0.0');
    expect(w.aliases.get('last-known-good')).toBe(STABLE.version);
    expect(w.statuses).toEqual(['validating', 'awaiting_approval', 'rolling_out', 'production']);
    expect(w.compensatingRoutes).toBe(0);
    expect(w.mails.map((m) => m.kind)).toEqual(['approval_requested', 'rollout_started', 'stage_passed', 'stage_passed', 'stage_passed', 'stage_passed', 'stage_passed', 'completed']);
    expect(w.audits.map((a) => a.type)).toEqual(expect.arrayContaining(['pipeline.ingested', 'gate.validation', 'gate.scenarios', 'gate.quality', 'approval.requested', 'approval.approve', 'rollout.started', 'rollout.stage_passed', 'pipeline.promoted']));
    expect(w.calls.filter((c) => c.name === 'writeReport')).toHaveLength(1);
    expect(w.calls.filter((c) => c.name === 'handOverMonitoring').map((c) => c.input)).toEqual([
      { champion: { version: '2.0.0', sha256: CANDIDATE_SHA }, lastKnownGood: STABLE, by: handle.workflowId },
    ]);

    const status = await handle.query(statusQuery);
    expect(status).toMatchObject({ step: 'done', outcome: 'promoted', trafficPercent: 100, champion: '1.0.0', approvalsRequired: 1 });
    expect(status.approvals).toEqual([expect.objectContaining({ approver: 'bob', decision: 'approve', accepted: true })]);
    expect(status.lastCheck).toMatchObject({ stage: 'full', verdict: 'pass' });
    await h.record(handle, 'promoted');
  });

  it.each(['validation', 'scenarios', 'quality'] as const)('rejects the model when the %s gate fails, without touching production', async (gate) => {
    const handle = await h.start(fastSpec(`gate-${gate}`), { failGate: gate });
    expect(await handle.result()).toMatchObject({ outcome: 'rejected', rollbackDocumentPath: expect.any(String) });
    const w = h.world(`gate-${gate}`);
    expect(w.calls.map((c) => c.name)).not.toContain('applyRoute');
    expect(w.calls.map((c) => c.name)).not.toContain('moveAlias');
    expect(w.statuses).toEqual(['validating', 'rejected']);
    expect(w.mails.map((m) => m.kind)).toEqual(['rejected']);
    expect(w.mails[0].lines.join('\n')).toContain(`${gate} gate failed`);
    const status = await handle.query(statusQuery);
    expect(status).toMatchObject({ outcome: 'rejected', step: 'done', trafficPercent: 0 });
    expect(status.failure).toContain(`${gate} gate failed`);
    const doc = w.calls.find((c) => c.name === 'writeRollbackDocument')!.input as { compensations: unknown[]; cause: { type: string } };
    expect(doc.cause.type).toBe('GateFailed');
    expect(doc.compensations).toEqual([]);
    await h.record(handle, `gate-${gate}-failed`);
  });

  it('refuses a spec with a wrong field, naming it', async () => {
    const handle = await h.start({ ...fastSpec('bad-spec'), rollout: { window: 'ten minutes' } } as never);
    await expect(handle.result()).rejects.toThrow(WorkflowFailedError);
    const err = await handle.result().catch((e: WorkflowFailedError) => e);
    expect(String((err as WorkflowFailedError).cause?.message)).toContain('rollout.window: must be a duration');
  });
});
