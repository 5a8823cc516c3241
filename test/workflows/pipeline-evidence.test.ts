import { approveSignal, resumeSignal, rollbackSignal, statusQuery } from '../../src/contracts/messages';
import type { PipelineSpecInput } from '../../src/contracts/pipeline-spec';
import { STABLE } from './fake-activities';
import { fastSpec, startHarness, type Harness } from './pipeline-harness';
import { stuckAfter } from '../support/time-factor';

jest.setTimeout(stuckAfter(120_000));

/** Missing data is never a pass: no path promotes a version whose windows held no candidate data. */
describe('deployModelWorkflow without evidence', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h?.stop());

  const spec = (model: string, judge: Record<string, unknown> = {}): PipelineSpecInput =>
    fastSpec(model, { rollout: { window: '300ms', checkInterval: '100ms', bake: '300ms', confirmTimeout: '5s', judge: { undecided: { extendBy: '300ms', then: 'pause' }, ...judge } } } as Partial<PipelineSpecInput>);

  async function approved(s: PipelineSpecInput, scenario = {}) {
    const handle = await h.start(s, scenario);
    await h.waitForStep(handle, (st) => st.step === 'awaiting_approval');
    await handle.signal(approveSignal, { approver: 'bob' });
    return handle;
  }

  const promoted = (model: string) => h.world(model).calls.some((c) => c.name === 'moveAlias');

  it.each([
    ['statistical', 'bake', {}],
    ['statistical', 'canary', {}],
    ['thresholds', 'canary', { kind: 'thresholds' }],
  ])('%s judge: a %s window without data is extended once, then waits for a person, and never promotes', async (_judge, stage, judge) => {
    const model = `no-data-${_judge}-${stage}`;
    const handle = await approved(spec(model, judge), { noDataAt: [stage] });
    const waiting = await h.waitForStep(handle, (s) => s.paused && s.stage === (stage === 'bake' ? 'full' : stage), 30_000);
    expect(waiting.outcome).toBe('running');
    const w = h.world(model);
    // The mail goes out in the background while the checks go on.
    for (let i = 0; i < 100 && !w.mails.some((m) => m.kind === 'undecided'); i++) await new Promise((r) => setTimeout(r, 100));
    const mail = w.mails.find((m) => m.kind === 'undecided')!;
    expect(mail.subject).toBe(`Decision needed at ${stage}: ${model} 2.0.0`);
    expect(mail.lines.join('\n')).toContain(`modelship rollback deploy-${model}-2.0.0`);
    // The audit event says why the rollout waits: the stage, the reason, and each KPI or rule with its figures.
    const awaiting = w.audits.find((a) => a.type === 'rollout.awaiting_decision')!;
    const label = stage === 'bake' ? 'bake' : stage;
    expect(awaiting.evidence).toMatchObject({ stage: expect.stringContaining(label), reason: expect.stringContaining('ended without the evidence to promote or roll back'), check: { stage: expect.any(String) } });
    const kpis = awaiting.evidence!.kpis as string[];
    expect(kpis.length).toBeGreaterThan(0);
    if (_judge === 'statistical') expect(kpis.join('\n')).toMatch(/always-valid .* interval .* — (undecided|non-inferior|regressed)/);
    else expect(kpis.join('\n')).toMatch(/^\w+: (n\/a|[\d.]+) \(threshold [\d.]+\) (pass|breach)/);
    // Still waiting after more checks: nothing promotes it by itself.
    await new Promise((r) => setTimeout(r, 2500));
    expect((await handle.query(statusQuery)).paused).toBe(true);
    expect(promoted(model)).toBe(false);

    await handle.signal(rollbackSignal, { actor: 'carol', reason: 'no evidence' });
    expect(await handle.result()).toMatchObject({ outcome: 'rolled_back', stoppedAt: stage === 'bake' ? 'bake:full' : `rollout:${stage}`, cause: { type: 'RolledBackByOperator' } });
    expect(promoted(model)).toBe(false);
    expect(w.routes.get(model)!.spec).toEqual({ stable: STABLE, candidate: null, shadow: null, killSwitch: 'off' });
    if (_judge === 'statistical' && stage === 'bake') await h.record(handle, 'no-data-waits-for-a-person');
  });

  it('a resume after the wait extends the window again, and a window that then holds data moves on', async () => {
    const model = 'no-data-then-resume';
    const handle = await approved(spec(model), { noDataAt: ['canary'] });
    await h.waitForStep(handle, (s) => s.paused && s.stage === 'canary', 30_000);
    h.scenarios.get(model)!.noDataAt = [];
    await handle.signal(resumeSignal, { actor: 'carol', reason: 'traffic is back' });
    expect(await handle.result()).toMatchObject({ outcome: 'promoted' });
  });

  it('rolls back instead of waiting when the spec says so, as an Undecided failure with the check that lacked data', async () => {
    const model = 'no-data-rollback';
    const handle = await approved(spec(model, { undecided: { extendBy: '300ms', then: 'rollback' } }), { noDataAt: ['canary'] });
    expect(await handle.result()).toMatchObject({ outcome: 'rolled_back', stoppedAt: 'rollout:canary', cause: { type: 'Undecided' } });
    expect(promoted(model)).toBe(false);
    const doc = h.world(model).calls.find((c) => c.name === 'writeRollbackDocument')!.input as { cause: { type: string; check: { candidate: { requests: number } } } };
    expect(doc.cause).toMatchObject({ type: 'Undecided', check: { candidate: { requests: 0 } } });
    await h.record(handle, 'no-data-rolls-back');
  });

  it('a first version (nothing to compare with) is not promoted on a bake that held no data', async () => {
    const model = 'no-data-first';
    const handle = await approved(spec(model), { noDataAt: ['bake'], champion: null, route: { stable: null, candidate: null, shadow: null, killSwitch: 'off' } });
    await h.waitForStep(handle, (s) => s.paused && s.step === 'bake', 30_000);
    expect(promoted(model)).toBe(false);
    await handle.signal(rollbackSignal, { actor: 'carol', reason: 'no evidence' });
    expect(await handle.result()).toMatchObject({ outcome: 'rolled_back' });
    expect(promoted(model)).toBe(false);
  });
});
