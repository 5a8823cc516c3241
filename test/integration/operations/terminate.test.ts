import { approveSignal, statusQuery } from '../../../src/contracts/messages';
import { AUDIT_EVENTS, verifyAudit } from '../../../src/audit';
import { setModelPolicy } from '../../../src/operations/policies';
import { createAuditLog } from '../../../src/audit';
import { createRouteStore, ROLLOUT_LOCKS } from '../../../src/routing';
import { openStack, sample, sleep, type Stack } from '../pipeline/stack-fixture';
import { stuckAfter } from '../../support/time-factor';

jest.setTimeout(stuckAfter(300_000));

// What Terminate leaves is under test here, not latency: the ceiling is where only a stuck worker reaches it.
const RELAXED = { gates: { scenarios: { latencyBudgetP99Ms: 10_000 } } };

/** Waits for what a user would look for, bounded only against being stuck; returns the last reading. */
async function eventually<T>(what: string, read: () => Promise<T>, ok: (v: T) => boolean, boundMs = stuckAfter(60_000)): Promise<T> {
  const deadline = Date.now() + boundMs;
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(v).slice(0, 1500)}`);
    await sleep(250);
  }
}

describe('a pipeline terminated from the Web UI in the middle of its rollout', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await openStack('terminate');
  });
  afterAll(() => stack?.close());

  it('leaves production as the last closed run committed it: route, aliases, status and lock restored, audited and mailed', async () => {
    const { model, mongo, fixture, ops } = stack;
    // The monitor reads its policy as each interval begins: set before it starts, it acts within half a second.
    await setModelPolicy(mongo.db, createAuditLog(mongo.db), model, { monitoring: { checkInterval: '500ms', recipients: [ops], drift: { action: 'alert' } } }, 'user:ops');
    await fixture.register('1.0.0', { seed: 1 });
    const first = await stack.startUntilApproval('1.0.0', RELAXED);
    await first.signal(approveSignal, { approver: 'bob', comment: 'first' });
    expect(await first.result()).toMatchObject({ outcome: 'promoted' });
    const routes = createRouteStore(mongo.db);
    const before = (await routes.current(model))!;

    // 2.0.0 mirrored at shadow, its window long enough to be sure it is still there when terminated.
    await fixture.register('2.0.0', { seed: 2 });
    const second = await stack.startUntilApproval('2.0.0', { ...RELAXED, rollout: { window: '5m' } });
    await second.signal(approveSignal, { approver: 'bob', comment: 'ok' });
    await eventually('2.0.0 at shadow', () => second.query(statusQuery), (s) => s.stage === 'shadow');
    expect((await routes.current(model))!.shadow?.version).toBe('2.0.0');
    await second.terminate('operator pressed Terminate');

    // The restore is audited once it is complete.
    const restoredEvents = () => mongo.db.collection(AUDIT_EVENTS).find({ type: 'rollout.abandoned_restored', pipelineId: `deploy-${model}-2.0.0` }).toArray();
    await eventually('a restore audited', restoredEvents, (e) => e.length > 0);
    const route = (await routes.current(model))!;
    expect(route.generation).toBeGreaterThan(before.generation + 1);
    expect({ stable: route.stable, candidate: route.candidate, shadow: route.shadow }).toEqual({ stable: before.stable, candidate: null, shadow: null });
    expect(await mongo.db.collection(ROLLOUT_LOCKS).findOne({ _id: model as never })).toBeNull();
    expect((await fixture.registry.getAlias(model, 'champion')).version).toBe('1.0.0');
    expect((await fixture.registry.getVersion(model, '2.0.0'))!.status).toBe('rolled_back');
    const restored = await restoredEvents();
    expect(restored).toHaveLength(1);
    expect(restored[0].evidence).toMatchObject({ closedAs: 'TERMINATED', version: '2.0.0', status: { from: 'rolling_out', to: 'rolled_back' } });
    const answers = await eventually('every replica serves 1.0.0 alone', () => sample(stack, 60), (a) => a.every((x) => x.status === 200 && x.version === '1.0.0'));
    expect(answers).toHaveLength(60);
    const mails = await eventually('a mail says so', () => stack.mailsFor('2.0.0'), (m) => m.some((x) => x.subject.startsWith('[modelship] Production restored after')));
    expect(mails.filter((x) => x.subject.includes(`deploy-${model}-2.0.0 closed (TERMINATED)`))).toHaveLength(1);
    expect((await verifyAudit(mongo.db)).ok).toBe(true);
  });

  it('marks a version whose pipeline was terminated before its rollout as rolled back, from which it can be deployed again', async () => {
    const { model, mongo, fixture } = stack;
    await fixture.register('3.0.0', { seed: 3 });
    const third = await stack.startUntilApproval('3.0.0', RELAXED);
    await third.terminate('wrong datasets');
    await eventually('3.0.0 settled', async () => (await fixture.registry.getVersion(model, '3.0.0'))!.status, (s) => s === 'rolled_back');
    const settled = await mongo.db.collection(AUDIT_EVENTS).find({ type: 'pipeline.abandoned_settled', pipelineId: `deploy-${model}-3.0.0` }).toArray();
    expect(settled.map((e) => e.evidence)).toEqual([expect.objectContaining({ version: '3.0.0', from: 'awaiting_approval', closedAs: 'TERMINATED' })]);
    const again = await stack.startUntilApproval('3.0.0', RELAXED);
    expect((await again.query(statusQuery)).step).toBe('awaiting_approval');
    await again.terminate('test over');
  });
});
