import { WorkflowFailedError } from '@temporalio/client';
import type { DeployModelResult } from '../../src/contracts/workflows';
import { abortSignal, approveSignal, pauseSignal, pauseUpdate, promoteSignal, resumeSignal, resumeUpdate, statusQuery } from '../../src/contracts/messages';
import { STABLE, type Scenario } from './fake-activities';
import { fastSpec, startHarness, type Harness } from './pipeline-harness';
import { stuckAfter } from '../support/time-factor';

jest.setTimeout(stuckAfter(120_000));

const ORIGINAL_ROUTE = { stable: STABLE, candidate: null, shadow: null, killSwitch: 'off' };

describe('deployModelWorkflow staged rollout and saga', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h?.stop());

  async function approved(model: string, scenario = {}, overrides = {}) {
    const handle = await h.start(fastSpec(model, overrides), scenario);
    await h.waitForStep(handle, (s) => s.step === 'awaiting_approval');
    await handle.signal(approveSignal, { approver: 'bob' });
    return handle;
  }

  /** A rollback that put production back completes, with its outcome and why. */
  const failureOf = async (p: Promise<DeployModelResult>) => {
    const result = await p;
    expect(result.outcome).toBe('rolled_back');
    return result.cause!;
  };

  it.each(['shadow', 'canary', 'quarter', 'half', 'full'])('rolls back a breach at %s: routing restored first, then status, production as before', async (stage) => {
    const model = `breach-${stage}`;
    const handle = await approved(model, { breachAt: [stage] });
    const cause = await failureOf(handle.result());
    expect(cause.type).toBe('KpiBreach');
    // The statistical judge names the error KPI that proved the regression: against stable, or the ceiling at 100%.
    expect(cause.message).toMatch(new RegExp(`^KPI breach at ${stage}: (errors vs stable|error rate) regressed to \\+?\\d`));

    const w = h.world(model);
    expect(w.routes.get(model)!.spec).toEqual(ORIGINAL_ROUTE);
    expect(w.compensatingRoutes).toBe(1);
    expect(w.aliases.get('champion')).toBe(STABLE.version);
    expect(w.statuses.slice(-2)).toEqual(['rolling_out', 'rolled_back']);
    const names = w.calls.map((c) => c.name).filter((n) => n !== 'notify');
    expect(names.slice(names.lastIndexOf('checkKpis') + 1)).toEqual(['applyRoute', 'transitionStatus', 'writeRollbackDocument', 'releaseRolloutLock']);
    const doc = w.calls.find((c) => c.name === 'writeRollbackDocument')!.input as { cause: { type: string; check: { stage: string; verdict: string } }; compensations: { key: string; outcome: string }[] };
    expect(doc.cause).toMatchObject({ type: 'KpiBreach', check: { stage, verdict: 'breach' } });
    expect(doc.compensations.map((c) => [c.key.split(':').pop(), c.outcome])).toEqual([['restore-route', 'done']]);
    expect(w.mails.at(-1)).toMatchObject({ kind: 'rolled_back', subject: `Rolled back: ${model} 2.0.0` });
    expect(w.mails.at(-1)!.lines.find((l) => / — regressed/.test(l))).toMatch(/^ {2}(errors vs stable|error rate): .* — regressed/);
    const status = await handle.query(statusQuery);
    expect(status).toMatchObject({ outcome: 'rolled_back', trafficPercent: 0, step: 'done' });
    expect(status.lastCheck).toMatchObject({ stage, verdict: 'breach' });
    await h.record(handle, `breach-at-${stage}`);
  });

  it('moves on to the next stage while a stage mail is still being sent, and sends every mail before it ends', async () => {
    const handle = await approved('slow-mail', { mailDelayMs: 1500 });
    expect(await handle.result()).toMatchObject({ outcome: 'promoted' });
    const w = h.world('slow-mail');
    const order = w.calls.map((c) => (c.name === 'notify' ? `mail ${String(c.input).split(':').pop()}` : c.name === 'applyRoute' ? `route ${(c.input as { key: string }).key.split(':').pop()}` : null)).filter(Boolean);
    // A stage mail of 1.5 s does not hold the next stage: canary traffic starts while the shadow stage's mail is out.
    expect(order.indexOf('route canary')).toBeLessThan(order.indexOf('mail shadow'));
    expect(w.mails.map((m) => m.kind).sort()).toEqual(['approval_requested', 'completed', 'rollout_started', 'stage_passed', 'stage_passed', 'stage_passed', 'stage_passed', 'stage_passed']);
    expect(w.mails.at(-1)!.kind).toBe('completed');
    // Every stage mail was out before the champion moved.
    const firstAliasMove = w.calls.findIndex((c) => c.name === 'moveAlias');
    expect(w.calls.slice(firstAliasMove).filter((c) => c.name === 'notify').map((c) => String(c.input).split(':').pop())).toEqual(['completed']);
    await h.record(handle, 'stage-mails-in-background');
  });

  it('rolls back when a stage mail cannot be sent, before anything is promoted', async () => {
    const handle = await approved('mail-refused', { failMail: 'stage:canary' });
    const cause = await failureOf(handle.result());
    expect(cause.type).toBe('MailRefused');
    const w = h.world('mail-refused');
    expect(w.calls.map((c) => c.name)).not.toContain('moveAlias');
    expect(w.routes.get('mail-refused')!.spec).toEqual(ORIGINAL_ROUTE);
    expect(w.aliases.get('champion')).toBe(STABLE.version);
    expect(w.statuses.slice(-1)).toEqual(['rolled_back']);
    expect(w.mails.at(-1)).toMatchObject({ kind: 'rolled_back' });
    expect(w.mails.map((m) => m.kind)).not.toContain('completed');
    await h.record(handle, 'stage-mail-refused');
  });

  it('undoes the promotion in reverse when the bake breaches after the alias would move — champion untouched', async () => {
    const handle = await approved('bake-breach', { breachAt: ['full'] });
    await failureOf(handle.result());
    const w = h.world('bake-breach');
    expect(w.calls.map((c) => c.name)).not.toContain('moveAlias');
    expect(w.routes.get('bake-breach')!.spec).toEqual(ORIGINAL_ROUTE);
  });

  it('aborts during a window on signal and restores routing', async () => {
    const handle = await approved('abort', {}, { rollout: { window: '20s', checkInterval: '100ms', bake: '1s', confirmTimeout: '5s' } });
    await h.waitForStep(handle, (s) => s.stage === 'shadow' && s.lastCheck?.stage === 'shadow');
    await handle.signal(abortSignal, { actor: 'ops-dan', reason: 'customer incident' });
    const cause = await failureOf(handle.result());
    expect(cause).toMatchObject({ type: 'Aborted', message: 'abort requested by ops-dan: customer incident' });
    expect(h.world('abort').routes.get('abort')!.spec).toEqual(ORIGINAL_ROUTE);
    await h.record(handle, 'aborted');
  });

  it('restores routing when the workflow is cancelled during a window', async () => {
    const handle = await approved('cancel', {}, { rollout: { window: '20s', checkInterval: '100ms', bake: '1s', confirmTimeout: '5s' } });
    await h.waitForStep(handle, (s) => s.stage === 'shadow' && s.lastCheck !== null);
    await handle.cancel();
    await expect(handle.result()).rejects.toThrow(WorkflowFailedError);
    const w = h.world('cancel');
    expect(w.routes.get('cancel')!.spec).toEqual(ORIGINAL_ROUTE);
    expect(w.statuses.at(-1)).toBe('rolled_back');
    expect((w.calls.find((c) => c.name === 'writeRollbackDocument')!.input as { cause: { type: string } }).cause.type).toBe('Cancelled');
    expect((await handle.describe()).status.name).toBe('CANCELLED');
    await h.record(handle, 'cancelled');
  });

  it('acts on a resume that arrives while a check is in flight: the window counts again and ends', async () => {
    let release: () => void = () => undefined;
    let checkStarted: () => void = () => undefined;
    const scenario: Scenario = {};
    // Judged by thresholds, a stage ends only when its window does: a window never restarted would hang here.
    const rollout = { window: '1s', checkInterval: '100ms', bake: '300ms', confirmTimeout: '5s', judge: 'thresholds' };
    const handle = await approved('resume-mid-check', scenario, { rollout });
    await h.waitForStep(handle, (s) => s.stage === 'canary');
    await handle.signal(pauseSignal, { actor: 'ops-dan', reason: 'looking closer' });
    await h.waitForStep(handle, (s) => s.paused);
    // The next check is held in flight; the resume lands while it is.
    const started = new Promise<void>((resolve) => (checkStarted = resolve));
    scenario.checkGate = () => {
      scenario.checkGate = undefined;
      checkStarted();
      return new Promise<void>((resolve) => (release = resolve));
    };
    await started;
    await handle.signal(resumeSignal, { actor: 'ops-dan', reason: 'fine' });
    await new Promise((r) => setTimeout(r, 300));
    release();
    expect(await handle.result()).toMatchObject({ outcome: 'promoted' });
    expect((await handle.query(statusQuery)).paused).toBe(false);
  });

  it('answers an Update while a route confirmation waits on a replica held back', async () => {
    let release: () => void = () => undefined;
    let confirming: () => void = () => undefined;
    const waiting = new Promise<void>((resolve) => (confirming = resolve));
    const scenario: Scenario = {
      confirmGate: () => {
        scenario.confirmGate = undefined;
        confirming();
        return new Promise<void>((resolve) => (release = resolve));
      },
    };
    const handle = await approved('held-replica', scenario, { rollout: { window: '1s', checkInterval: '100ms', bake: '300ms', confirmTimeout: '60s', judge: 'thresholds' } });
    await waiting;
    // Released after 20 s whatever happens, so a pipeline that cannot answer fails this test rather than hanging it.
    let released = false;
    const fallback = setTimeout(() => ((released = true), release()), 20_000);
    const sent = Date.now();
    const answer = await handle.executeUpdate(pauseUpdate, { args: [{ actor: 'ops-dan', reason: 'a replica lags' }] });
    const answeredWhileHeld = !released;
    console.log(`pause answered ${Date.now() - sent} ms after it was sent, the confirmation still held back: ${answeredWhileHeld}`);
    clearTimeout(fallback);
    release();
    expect(answer).toMatchObject({ accepted: true });
    expect(answeredWhileHeld).toBe(true);
    // The pause holds from the window on, and a resume is taken: the pipeline ends as it would have.
    await h.waitForStep(handle, (st) => st.paused);
    expect(await handle.executeUpdate(resumeUpdate, { args: [{ actor: 'ops-dan', reason: 'caught up' }] })).toMatchObject({ accepted: true });
    expect(await handle.result()).toMatchObject({ outcome: 'promoted' });
  });

  it('holds the window open while paused, checking all along, and continues after resume', async () => {
    const handle = await approved('pause', {}, { rollout: { window: '1s', checkInterval: '100ms', bake: '300ms', confirmTimeout: '5s' } });
    await h.waitForStep(handle, (s) => s.stage === 'canary');
    await handle.signal(pauseSignal, { actor: 'ops-dan', reason: 'looking at dashboards' });
    await h.waitForStep(handle, (s) => s.paused);
    const checksAtPause = h.world('pause').calls.filter((c) => c.name === 'checkKpis').length;
    await new Promise((r) => setTimeout(r, 3000));
    const stillPaused = await handle.query(statusQuery);
    // Paused for three times the window, still at canary: the window waits, the checks do not (the server fires
    // timers at a granularity of about a second, so about one check a second).
    expect(stillPaused).toMatchObject({ paused: true, stage: 'canary' });
    expect(h.world('pause').calls.filter((c) => c.name === 'checkKpis').length).toBeGreaterThanOrEqual(checksAtPause + 2);
    await handle.signal(resumeSignal, { actor: 'ops-dan', reason: 'fine' });
    expect(await handle.result()).toMatchObject({ outcome: 'promoted' });
    await h.record(handle, 'paused-resumed');
  });

  it('skips the remaining windows on promote', async () => {
    const handle = await approved('promote', {}, { rollout: { window: '30s', checkInterval: '100ms', bake: '30s', confirmTimeout: '5s' } });
    await h.waitForStep(handle, (s) => s.stage === 'shadow' && s.lastCheck !== null);
    await handle.signal(promoteSignal, { actor: 'ops-dan', reason: 'urgent fix' });
    expect(await handle.result()).toMatchObject({ outcome: 'promoted' });
    const w = h.world('promote');
    const keys = w.calls.filter((c) => c.name === 'applyRoute').map((c) => (c.input as { key: string }).key.split(':').pop());
    expect(keys).toEqual(['shadow', 'promote-full', 'promoted']);
    expect(w.aliases.get('champion')).toBe('2.0.0');
    await h.record(handle, 'promote-signal');
  });

  it('waits for another rollout of the same model to finish before starting its own', async () => {
    const handle = await approved('locked', { lockHolder: 'deploy-locked-1.9.0' });
    const status = await h.waitForStep(handle, (s) => s.step === 'rollout' && h.world('locked').calls.filter((c) => c.name === 'acquireRolloutLock').length >= 2);
    expect(status.trafficPercent).toBe(0);
    expect(h.world('locked').calls.map((c) => c.name)).not.toContain('applyRoute');
    await handle.terminate('test over');
  });
});

describe('deployModelWorkflow when promotion itself fails', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h?.stop());

  it('moves the champion back, then restores routing: compensations in reverse order of the changes', async () => {
    const handle = await h.start(fastSpec('promote-fails'), { failRoute: 'promoted' });
    await h.waitForStep(handle, (s) => s.step === 'awaiting_approval');
    await handle.signal(approveSignal, { approver: 'bob' });
    expect(await handle.result()).toMatchObject({ outcome: 'rolled_back', stoppedAt: 'promote:full' });
    const { runId } = await handle.describe();

    const w = h.world('promote-fails');
    const doc = w.calls.find((c) => c.name === 'writeRollbackDocument')!.input as { compensations: { key: string; outcome: string }[] };
    expect(doc.compensations.map((c) => [c.key.split(':').pop(), c.outcome])).toEqual([
      ['restore-last-known-good', 'done'],
      ['restore-champion', 'done'],
      ['restore-route', 'done'],
    ]);
    const aliasMoves = w.calls
      .filter((c) => c.name === 'moveAlias')
      .map((c) => c.input as { key: string })
      .map((m) => ({ ...m, key: m.key.replace(`deploy-promote-fails-2.0.0:${runId}:`, '') }));
    expect(aliasMoves).toEqual([
      { alias: 'champion', to: '2.0.0', expected: STABLE.version, key: 'champion' },
      { alias: 'last-known-good', to: STABLE.version, expected: null, key: 'last-known-good' },
      { alias: 'last-known-good', to: null, expected: STABLE.version, key: 'restore-last-known-good' },
      { alias: 'champion', to: STABLE.version, expected: '2.0.0', key: 'restore-champion' },
    ]);
    expect(w.aliases.get('champion')).toBe(STABLE.version);
    expect(w.aliases.get('last-known-good')).toBeNull();
    expect(w.routes.get('promote-fails')!.spec).toEqual(ORIGINAL_ROUTE);
    expect(w.statuses.slice(-2)).toEqual(['rolling_out', 'rolled_back']);
    expect(await handle.query(statusQuery)).toMatchObject({ outcome: 'rolled_back', trafficPercent: 0 });
    await h.record(handle, 'promotion-failed');
  });
});
