import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { verifyAudit } from '../../../src/audit';
import { approveSignal, statusQuery } from '../../../src/contracts/messages';
import type { KpiEvidence } from '../../../src/contracts/verdicts';
import type { RollbackDocument } from '../../../src/reports';
import { createRouteStore } from '../../../src/routing';
import { OPEN_GATES, STATISTICAL_JUDGE, STATISTICAL_ROLLOUT, SUBTLE_FAULT, SUBTLE_SEED, SUBTLE_USERS } from '../../../scripts/lib/subtle-regression';
import { openStack, sleep, type SpecOverrides, type Stack } from './stack-fixture';
import { stuckAfter } from '../../support/time-factor';

jest.setTimeout(stuckAfter(600_000));

/**
 * The default judge on real traffic: replayed users through both gateway replicas, feedback credited to the version
 * that served, in the scenario the demo shows (scripts/lib/subtle-regression.ts).
 */
const SUBTLE = { seed: SUBTLE_SEED, faults: SUBTLE_FAULT };
const overrides: SpecOverrides = { judge: STATISTICAL_JUDGE, rollout: STATISTICAL_ROLLOUT, gates: OPEN_GATES };

const kpi = (kpis: KpiEvidence[], name: string) => kpis.find((k) => k.kpi === name)!;

describe('the statistical verdict on the real stack', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await openStack('sv', { ratePerSec: 200, users: SUBTLE_USERS, maxDurationMs: 590_000 });
    await stack.fixture.register('1.0.0', { seed: 1 });
    const first = await stack.startUntilApproval('1.0.0', overrides);
    await first.signal(approveSignal, { approver: 'bob', comment: 'first version' });
    expect(await first.result()).toMatchObject({ outcome: 'promoted' });
  });

  afterAll(async () => {
    await stack?.close();
  });

  it('rolls back a model with about 20% fewer successes and no errors, naming the KPI, its estimate and its interval', async () => {
    const { model, fixture, mongo } = stack;
    await fixture.register('2.0.0', SUBTLE);
    const handle = await stack.startUntilApproval('2.0.0', overrides);
    await handle.signal(approveSignal, { approver: 'bob', comment: 'offline gates opened on purpose' });
    expect(await handle.result()).toMatchObject({ outcome: 'rolled_back', cause: { type: 'KpiBreach' } });

    const route = await createRouteStore(mongo.db).current(model);
    expect(route).toMatchObject({ stable: { version: '1.0.0' }, candidate: null, shadow: null });
    expect((await fixture.registry.getVersion(model, '2.0.0'))!.status).toBe('rolled_back');

    const doc = await mongo.db.collection<RollbackDocument & { _id: string }>('rollback_documents').findOne({ _id: handle.workflowId });
    expect(doc).toMatchObject({ outcome: 'rolled_back', cause: { type: 'KpiBreach' } });
    if (doc?.trigger.kind !== 'kpi_check') throw new Error(`rollback document trigger is ${doc?.trigger.kind}, not a KPI check`);
    const { judgement } = doc.trigger.check;
    expect(judgement!.verdict).toBe('regressed');
    const success = kpi(judgement!.kpis, 'success_vs_stable');
    console.log(`subtle regression: success ${(100 * success.estimate!).toFixed(1)}% [${(100 * success.lower!).toFixed(1)}%, ${(100 * success.upper!).toFixed(1)}%] on ${success.candidate.requests}/${success.stable!.requests} requests and ${success.candidate.users}/${success.stable!.users} users`);
    expect(success.verdict).toBe('regressed');
    expect(success.upper!).toBeLessThan(0);
    expect(success.estimate!).toBeGreaterThan(-0.35);
    expect(success.estimate!).toBeLessThan(-0.08);
    expect(success.candidate.users).toBeGreaterThan(100);
    // Nothing else was wrong with it: no error or latency regression stopped it.
    for (const other of judgement!.kpis.filter((k) => k.kpi !== 'success_vs_stable')) expect(other.verdict).not.toBe('regressed');

    const mails = await stack.mailsFor('2.0.0').then(async (m) => (m.some((x) => x.subject.startsWith('[modelship] Rolled back')) ? m : (await sleep(2000), stack.mailsFor('2.0.0'))));
    const rolledBack = mails.find((m) => m.subject === `[modelship] Rolled back: ${model} 2.0.0`)!;
    expect(rolledBack.text).toMatch(/success vs stable: -\d+(\.\d)?%/);
    expect(await verifyAudit(mongo.db, {})).toMatchObject({ ok: true });
  });

  it('promotes a retrained equivalent (another seed) on proof of non-inferiority', async () => {
    const { model, fixture } = stack;
    await fixture.register('2.1.0', { seed: 2 });
    const handle = await stack.startUntilApproval('2.1.0', overrides);
    await handle.signal(approveSignal, { approver: 'bob', comment: 'retrained' });
    expect(await handle.result()).toMatchObject({ outcome: 'promoted' });
    // The report charts each KPI's interval over the checks, with the margin drawn.
    const report = JSON.parse(readFileSync(join(stack.reportsDir, handle.workflowId, 'report.json'), 'utf8')) as { intervals: { kpi: string; harmLine: number; points: unknown[] }[] };
    expect(report.intervals.find((c) => c.kpi === 'success_vs_stable')).toMatchObject({ harmLine: -0.2 });
    expect(report.intervals.find((c) => c.kpi === 'success_vs_stable')!.points.length).toBeGreaterThan(3);
    const status = await handle.query(statusQuery);
    const judgement = status.lastCheck!.judgement!;
    expect(judgement.verdict).toBe('non_inferior');
    const success = kpi(judgement.kpis, 'success_vs_stable');
    console.log(`equivalent: success ${(100 * success.estimate!).toFixed(1)}% [${(100 * success.lower!).toFixed(1)}%, ${(100 * success.upper!).toFixed(1)}%]`);
    expect(success.lower!).toBeGreaterThanOrEqual(-0.2);
    expect((await fixture.registry.getAlias(model, 'champion')).version).toBe('2.1.0');
  });
});
