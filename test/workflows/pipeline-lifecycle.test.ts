import { approveSignal, pauseSignal, statusQuery } from '../../src/contracts/messages';
import { STABLE } from './fake-activities';
import { fastSpec, startHarness, type Harness } from './pipeline-harness';
import { stuckAfter } from '../support/time-factor';

jest.setTimeout(stuckAfter(120_000));

const ORIGINAL_ROUTE = { stable: STABLE, candidate: null, shadow: null, killSwitch: 'off' };

describe('a model over several pipelines, and a saga that never undoes a step still in flight', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h?.stop());

  async function approved(model: string, version: string, scenario = {}, overrides = {}) {
    const handle = await h.start(fastSpec(model, { version, ...overrides }), scenario);
    await h.waitForStep(handle, (s) => s.step === 'awaiting_approval');
    await handle.signal(approveSignal, { approver: 'bob' });
    return handle;
  }

  it('promotes the second, third and fourth version in turn, each moving last-known-good from what it holds', async () => {
    const model = 'many-promotions';
    for (const version of ['2.0.0', '3.0.0', '4.0.0']) {
      const handle = await approved(model, version);
      expect(await handle.result()).toMatchObject({ outcome: 'promoted' });
      if (version === '4.0.0') await h.record(handle, 'third-promotion');
    }
    const w = h.world(model);
    expect(w.aliases.get('champion')).toBe('4.0.0');
    expect(w.aliases.get('last-known-good')).toBe('3.0.0');
    expect(Object.fromEntries(w.versions)).toMatchObject({ '2.0.0': 'production', '3.0.0': 'production', '4.0.0': 'production' });
    expect(w.lock).toBeNull();
  });

  it('when the last-known-good move fails while the champion move is still landing, restores both aliases and the route', async () => {
    const model = 'alias-race';
    const handle = await approved(model, '2.0.0', { lastKnownGood: '0.9.0', aliasDelayMs: { champion: 1500 }, failAlias: 'last-known-good' });
    expect(await handle.result()).toMatchObject({ outcome: 'rolled_back', stoppedAt: 'promote:full' });
    const w = h.world(model);
    expect(w.aliases.get('champion')).toBe(STABLE.version);
    expect(w.aliases.get('last-known-good')).toBe('0.9.0');
    expect(w.routes.get(model)!.spec).toEqual(ORIGINAL_ROUTE);
    expect(w.versions.get('2.0.0')).toBe('rolled_back');
    const doc = w.calls.find((c) => c.name === 'writeRollbackDocument')!.input as { compensations: { key: string; outcome: string }[] };
    expect(doc.compensations.map((c) => [c.key.split(':').pop(), c.outcome])).toEqual([
      ['restore-last-known-good', 'done'],
      ['restore-champion', 'done'],
      ['restore-route', 'done'],
    ]);
    await h.record(handle, 'alias-move-failed-while-another-landed');
  });

  it('when cancelled while a routing change is landing, restores the route only after it landed', async () => {
    const model = 'cancel-mid-route';
    const handle = await approved(model, '2.0.0', { routeDelayMs: { canary: 1500 } });
    await h.waitForStep(handle, (s) => s.stage === 'canary');
    await handle.cancel();
    await handle.result().catch(() => undefined);
    const w = h.world(model);
    const keys = w.calls.filter((c) => c.name === 'applyRoute').map((c) => (c.input as { key: string }).key.split(':').pop());
    expect(keys).toEqual(['shadow', 'canary', 'restore-route']);
    expect(w.routes.get(model)!.spec).toEqual(ORIGINAL_ROUTE);
    expect(w.versions.get('2.0.0')).toBe('rolled_back');
  });

  it('while paused, keeps checking the candidate that still serves, and rolls back on a breach', async () => {
    const model = 'paused-breach';
    const handle = await approved(model, '2.0.0', {}, { rollout: { window: '30s', checkInterval: '100ms', bake: '30s', confirmTimeout: '5s' } });
    await h.waitForStep(handle, (s) => s.stage === 'shadow' && s.lastCheck?.stage === 'shadow');
    await handle.signal(pauseSignal, { actor: 'ops-dan', reason: 'look closer' });
    await h.waitForStep(handle, (s) => s.paused);
    h.scenarios.get(model)!.breachAt = ['shadow'];
    expect(await handle.result()).toMatchObject({ outcome: 'rolled_back', cause: { type: 'KpiBreach' } });
    expect(h.world(model).routes.get(model)!.spec).toEqual(ORIGINAL_ROUTE);
    expect(await handle.query(statusQuery)).toMatchObject({ outcome: 'rolled_back', paused: true });
    await h.record(handle, 'breach-while-paused');
  });

  it('refuses and audits an approval sent before approval was requested, and one sent after it was settled', async () => {
    const model = 'out-of-turn';
    const handle = await h.start(fastSpec(model, { rollout: { window: '1s', checkInterval: '100ms', bake: '300ms', confirmTimeout: '5s' } }), { gateDelayMs: 800 });
    await h.waitForStep(handle, (s) => s.step === 'gates');
    await handle.signal(approveSignal, { approver: 'bob', comment: 'too early' });
    const waiting = await h.waitForStep(handle, (s) => s.step === 'awaiting_approval');
    expect(waiting.approvals).toEqual([expect.objectContaining({ approver: 'bob', accepted: false, reason: expect.stringContaining('before approval was requested') })]);
    await handle.signal(approveSignal, { approver: 'carol' });
    await h.waitForStep(handle, (s) => s.stage === 'canary');
    await handle.signal(approveSignal, { approver: 'dave', comment: 'late' });
    expect(await handle.result()).toMatchObject({ outcome: 'promoted' });
    const status = await handle.query(statusQuery);
    expect(status.approvals.map((a) => [a.approver, a.accepted])).toEqual([['bob', false], ['carol', true], ['dave', false]]);
    expect(status.approvals[2].reason).toContain('after the approval was settled');
    const decisions = h.world(model).audits.filter((a) => a.type === 'approval.approve').map((a) => [a.actor, a.outcome]);
    expect(decisions).toEqual([['user:bob', 'refused'], ['user:carol', 'success'], ['user:dave', 'refused']]);
    await h.record(handle, 'decisions-out-of-turn');
  });

  it('deploys a rolled-back version again under the same workflow id, every step applied anew rather than taken for a retry', async () => {
    const model = 'rerun';
    const first = await approved(model, '2.0.0', { breachAt: ['canary'] });
    await first.result().catch(() => undefined);
    expect(h.world(model).versions.get('2.0.0')).toBe('rolled_back');
    h.scenarios.get(model)!.breachAt = [];
    const second = await approved(model, '2.0.0');
    expect(await second.result()).toMatchObject({ outcome: 'promoted' });
    const w = h.world(model);
    const routeKeys = w.calls.filter((c) => c.name === 'applyRoute').map((c) => (c.input as { key: string }).key.split(':').pop());
    expect(routeKeys).toEqual(['shadow', 'canary', 'restore-route', 'shadow', 'canary', 'quarter', 'half', 'full', 'promoted']);
    expect(w.aliases.get('champion')).toBe('2.0.0');
    expect(w.versions.get('2.0.0')).toBe('production');
    expect(w.mails.filter((m) => m.kind === 'approval_requested')).toHaveLength(2);
    await h.record(second, 'rerun-after-rollback');
  });
});
