import { verifyAudit } from '../../../src/audit';
import { approveSignal } from '../../../src/contracts/messages';
import type { RollbackDocument } from '../../../src/reports';
import { createRouteStore, ROUTE_HISTORY } from '../../../src/routing';
import type { RouteHistoryDoc } from '../../../src/contracts/routes';
import { openStack, promoteFirst, sleep, type Stack } from './stack-fixture';
import { stuckAfter } from '../../support/time-factor';

jest.setTimeout(stuckAfter(180_000));

const CHECK_INTERVAL_MS = 500;

describe('a pipeline that fails on the real stack leaves production as it was', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await openStack('rb');
    await promoteFirst(stack);
  });

  afterAll(async () => {
    await stack?.close();
  });

  const history = (model: string) =>
    stack.mongo.db.collection<RouteHistoryDoc>(ROUTE_HISTORY).find({ model }).sort({ generation: 1 }).toArray();

  it('rolls a model that fails at canary back to stable within the check interval plus a second, measured at the gateway', async () => {
    const { model, fixture, mongo, gateways } = stack;
    // It passes every offline gate (they never call the gateway) and only fails when the gateway serves it. A shadow
    // stage would stop it on its mirrored requests before any user saw it; this test measures how fast users stop
    // seeing it, so it goes straight to canary.
    await fixture.register('2.0.0', { seed: 3, faults: { failureRate: 0.3 } });
    const handle = await stack.startUntilApproval('2.0.0', {
      rollout: {
        checkInterval: `${CHECK_INTERVAL_MS}ms`,
        stages: [
          { name: 'canary', kind: 'traffic', percent: 20 },
          { name: 'full', kind: 'traffic', percent: 100 },
        ],
      },
      thresholds: { maxErrorRate: 0.05, minRequests: 5 },
    });
    const generationsBefore = (await history(model)).length;

    // The prober asks both replicas for the same 40 users every 50 ms, for as long as the pipeline runs.
    const batches: { at: number; bad: number; candidate: number; total: number }[] = [];
    let probing = true;
    const prober = (async () => {
      while (probing) {
        const at = Date.now();
        const answers = await Promise.all(
          gateways.flatMap((g) =>
            Array.from({ length: 40 }, async (_, u) => {
              const res = await fetch(`${g.url}/v1/recommendations?model=${model}&user=${u + 1}`);
              const body = (await res.json()) as { version?: string };
              return { status: res.status, version: body.version };
            }),
          ),
        );
        const bad = answers.filter((a) => a.status !== 200 || a.version !== '1.0.0');
        batches.push({ at, bad: bad.length, candidate: bad.filter((a) => a.version === '2.0.0' || a.status === 503).length, total: answers.length });
        await sleep(50);
      }
    })();

    await handle.signal(approveSignal, { approver: 'bob', comment: 'offline evidence is fine' });
    const result = await handle.result();
    await sleep(1000);
    probing = false;
    await prober;
    expect(result).toMatchObject({ outcome: 'rolled_back', stoppedAt: 'rollout:canary', cause: { type: 'KpiBreach' } });

    // Production: the route is back to stable only, the champion did not move, the version is rolled back.
    const route = await createRouteStore(mongo.db).current(model);
    expect(route).toMatchObject({ stable: { version: '1.0.0' }, candidate: null, shadow: null, killSwitch: 'off' });
    expect((await fixture.registry.getAlias(model, 'champion')).version).toBe('1.0.0');
    expect((await fixture.registry.getVersion(model, '2.0.0'))!.status).toBe('rolled_back');

    // The rollback document names the breached KPI and carries the check's snapshot.
    const doc = await mongo.db.collection<RollbackDocument & { _id: string }>('rollback_documents').findOne({ _id: handle.workflowId });
    expect(doc).toMatchObject({ outcome: 'rolled_back', cause: { type: 'KpiBreach' }, production: { changed: true, restored: true } });
    if (doc?.trigger.kind !== 'kpi_check') throw new Error(`rollback document trigger is ${doc?.trigger.kind}, not a KPI check`);
    const check = doc.trigger.check;
    expect(check.stage).toBe('canary');
    expect(check.verdict).toBe('breach');
    const errorRule = check.rules.find((r) => r.rule === 'error_rate');
    expect(errorRule).toMatchObject({ verdict: 'breach', threshold: 0.05 });
    expect(errorRule!.value).toBeGreaterThan(0.05);
    expect(check.candidate.errors).toBeGreaterThan(0);
    expect(check.candidate.requests).toBeGreaterThanOrEqual(5);
    expect(check.candidate.errorRate).toBe(errorRule!.value);
    expect(check.stable?.errors).toBe(0);
    const { runId } = await handle.describe();
    expect(doc.compensations.map((c) => [c.key, c.outcome])).toEqual([[`${handle.workflowId}:${runId}:restore-route`, 'done']]);

    // Reaction time: breach (the breaching check's end) to the restored route, and to the gateways answering stable.
    const breachAt = Date.parse(check.to);
    const rows = await history(model);
    const restore = rows.find((r) => r.changeKey === `${handle.workflowId}:${runId}:restore-route`);
    expect(restore).toMatchObject({ stable: { version: '1.0.0' }, candidate: null, shadow: null });
    expect(rows).toHaveLength(generationsBefore + 2); // canary, restore
    expect(restore!.generation).toBe(rows[rows.length - 1].generation);
    const routeRevertMs = restore!.at.getTime() - breachAt;

    const lastBad = batches.reduce((i, b, j) => (b.bad > 0 ? j : i), -1);
    expect(batches.some((b) => b.candidate > 0)).toBe(true); // the prober did see the canary
    expect(lastBad).toBeGreaterThanOrEqual(0);
    expect(lastBad).toBeLessThan(batches.length - 1);
    const servedStableFrom = batches[lastBad + 1].at;
    const gatewayRevertMs = servedStableFrom - breachAt;
    const after = batches.slice(lastBad + 1);
    expect(after.every((b) => b.bad === 0)).toBe(true);
    expect(after.reduce((n, b) => n + b.total, 0)).toBeGreaterThanOrEqual(400);
    // Reported on the console so the measured reaction time is visible in the test output.
    console.log(`rollback reaction: breach at ${check.to}; route restored +${routeRevertMs} ms (generation ${restore!.generation}); gateways all stable from +${gatewayRevertMs} ms`);
    expect(routeRevertMs).toBeGreaterThanOrEqual(0);
    expect(routeRevertMs).toBeLessThanOrEqual(CHECK_INTERVAL_MS + 1000);
    expect(gatewayRevertMs).toBeLessThanOrEqual(CHECK_INTERVAL_MS + 1000);

    const mails = await stack.mailsFor('2.0.0').then(async (m) => (m.some((x) => x.subject.startsWith('[modelship] Rolled back')) ? m : (await sleep(2000), stack.mailsFor('2.0.0'))));
    const rolledBack = mails.filter((m) => m.subject === `[modelship] Rolled back: ${model} 2.0.0`);
    expect(rolledBack).toHaveLength(1);
    expect(rolledBack[0].text).toContain('breached error_rate');
    expect(mails.map((m) => m.subject)).not.toContain(`[modelship] Deployed: ${model} 2.0.0`);

    expect(await verifyAudit(mongo.db, {})).toMatchObject({ ok: true });
  });

  it('lets an approval deadline expire without touching production, audited and mailed', async () => {
    const { model, fixture, mongo } = stack;
    await fixture.register('1.2.0', { seed: 4 });
    const routeBefore = await createRouteStore(mongo.db).current(model);
    const generationsBefore = (await history(model)).map((r) => r.generation);
    const handle = await stack.startUntilApproval('1.2.0', { approval: { deadline: '3s', reminderBefore: '1s' } });
    expect(await handle.result()).toMatchObject({ outcome: 'expired' });

    expect((await history(model)).map((r) => r.generation)).toEqual(generationsBefore);
    expect(await createRouteStore(mongo.db).current(model)).toEqual(routeBefore);
    expect((await fixture.registry.getAlias(model, 'champion')).version).toBe('1.0.0');
    expect((await fixture.registry.getVersion(model, '1.2.0'))!.status).not.toBe('production');

    const expired = await mongo.db.collection('audit_events').find({ pipelineId: handle.workflowId, type: 'approval.expired' }).toArray();
    expect(expired).toHaveLength(1);
    expect(expired[0]).toMatchObject({ outcome: 'refused', subject: { model, version: '1.2.0' } });
    expect(await mongo.db.collection('audit_events').countDocuments({ pipelineId: handle.workflowId, type: 'rollout.started' })).toBe(0);

    const doc = await mongo.db.collection<RollbackDocument & { _id: string }>('rollback_documents').findOne({ _id: handle.workflowId });
    expect(doc).toMatchObject({ outcome: 'expired', cause: { type: 'ApprovalExpired' }, production: { changed: false, restored: true }, compensations: [] });

    const want = ['Approval needed', 'Reminder: approval needed', 'Approval expired'].map((s) => `[modelship] ${s}: ${model} 1.2.0`);
    for (let i = 0; i < 50 && (await stack.mailsFor('1.2.0')).length < want.length; i++) await sleep(200);
    expect((await stack.mailsFor('1.2.0')).map((m) => m.subject).sort()).toEqual([...want].sort());

    expect(await verifyAudit(mongo.db, {})).toMatchObject({ ok: true });
  });
});
