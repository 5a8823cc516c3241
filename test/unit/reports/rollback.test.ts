import type { PipelineOutcomeDoc } from '../../../src/contracts/pipeline-activities';
import { buildRollbackDocument, renderRollbackMarkdown } from '../../../src/reports';
import { breachedDoc, CHAMPION_COMPENSATION, gateFailedDoc, ROUTE_COMPENSATION, STABLE } from './fixtures';

const ROUTE_BEFORE = { generation: 7, spec: { stable: { version: STABLE, sha256: 'a'.repeat(64) }, candidate: null, shadow: null, killSwitch: 'off' as const } };
const markdown = (doc: PipelineOutcomeDoc, context = {}) => renderRollbackMarkdown(buildRollbackDocument(doc, context));

describe('rollback document', () => {
  it('names the breached rule, its value and threshold from the KPI check snapshot', () => {
    const doc = breachedDoc();
    const json = buildRollbackDocument(doc);
    expect(json.cause.type).toBe('KpiBreach');
    expect(json.trigger).toEqual({ kind: 'kpi_check', check: doc.cause!.check, judged: null });
    const md = renderRollbackMarkdown(json);
    expect(md).toContain('**KpiBreach**: KPI breach at canary: p99_latency_ms');
    expect(md).toMatch(/\| `p99_latency_ms` \| 141\.3 ms \| 50\.0 ms \| \*\*BREACH\*\* \|/);
    expect(md).toMatch(/\| `error_rate` \| 0\.00 % \| 2\.00 % \| pass \|/);
    expect(md).toContain('stage **canary**');
  });

  it('names the KPIs the statistical judge found regressed, with estimate and interval, and lists every KPI', () => {
    const doc = breachedDoc([ROUTE_COMPENSATION], 'statistical');
    const json = buildRollbackDocument(doc);
    const regressed =
      'slow requests vs stable regressed to +5.76 pp (interval +4.17 pp to +7.35 pp, e-value 1.4e+11); ' +
      'requests over the p99 limit regressed to 5.76% (interval 0.00% to 16.63%, ceiling 1%, e-value 109,230)';
    expect(json.trigger).toMatchObject({ kind: 'kpi_check', check: doc.cause!.check, judged: { regressed } });
    const md = renderRollbackMarkdown(json);
    expect(md).toContain(`**KpiBreach**: KPI breach at canary: ${regressed}`);
    expect(md).toContain('verdict **breach**; the statistical judge found the rollout **regressed**.');
    expect(md).toContain(`**Regressed**: ${regressed}.`);
    const kpiLines = md.split('\n').filter((l) => l.startsWith('- ') && l.includes('always-valid'));
    expect(kpiLines).toEqual([
      '- slow requests vs stable: +5.76 pp (always-valid 99.95% interval +4.17 pp to +7.35 pp, margin +1 pp) — regressed (count test e-value 1.4e+11); candidate 243 requests / 4,447 users, stable 31,048 requests / 5,175 users',
      '- requests over the p99 limit: 5.76% (always-valid 99.95% interval 0.00% to 16.63%, ceiling 1%) — regressed (count test e-value 109,230); candidate 243 requests / 4,447 users',
      '- success vs stable: -0.8% (always-valid 99.8% interval -100.0% to +124.0%, margin -10%) — undecided; candidate 243 requests / 4,447 users, stable 31,048 requests / 5,175 users',
      '- errors vs stable: -0.01 pp (always-valid 99.95% interval -0.04 pp to +0.02 pp, margin +0.5 pp) — non-inferior; candidate 26,684 requests / 4,447 users, stable 31,048 requests / 5,175 users',
      '- error rate: 0.00% (always-valid 99.95% interval 0.00% to 0.01%, ceiling 2%) — non-inferior; candidate 26,684 requests / 4,447 users',
    ]);
    expect(md).not.toContain('| Rule |');
    expect(md).toContain('| candidate | 243 | 0 | 0.00 % | 141.3 ms |');
  });

  it('says production is restored when every compensation is done, naming the routing generation when known', () => {
    const doc = breachedDoc();
    expect(buildRollbackDocument(doc).production).toMatchObject({ changed: true, restored: true, notRestored: [] });
    const md = markdown(doc, { routeBefore: ROUTE_BEFORE });
    expect(md).toContain('restored exactly as before');
    expect(md).toContain('Routing restored to generation 7 state: stable 1.2.0.');
    expect(md).not.toContain('NOT fully restored');
    expect(markdown(doc)).toContain('Routing restored to its state before the rollout.');
  });

  it('lists the compensations in the order they ran', () => {
    const md = markdown(breachedDoc([CHAMPION_COMPENSATION, ROUTE_COMPENSATION]));
    const champion = md.indexOf('1. ✔ done at 2025-03-04 10:12:01 UTC: move champion back to 1.2.0');
    const route = md.indexOf('2. ✔ done at 2025-03-04 10:12:02 UTC: restore the routing as it was before the rollout');
    expect(champion).toBeGreaterThan(0);
    expect(route).toBeGreaterThan(champion);
    expect(md).toContain('all 2 changes were undone');
  });

  it('says NOT fully restored, and what is left, when a compensation failed', () => {
    const failed = { ...ROUTE_COMPENSATION, outcome: 'failed' as const, error: 'routes.movies.generation: expected 9 but it is 10' };
    const doc = breachedDoc([CHAMPION_COMPENSATION, failed]);
    const json = buildRollbackDocument(doc, { routeBefore: ROUTE_BEFORE });
    expect(json.production).toMatchObject({ changed: true, restored: false, notRestored: [{ description: failed.description, error: failed.error }] });
    const md = renderRollbackMarkdown(json);
    expect(md).toContain('> ✘ Production was changed and is NOT fully restored: restore the routing as it was before the rollout (routes.movies.generation: expected 9 but it is 10) failed.');
    expect(md).toContain('2. ✘ **FAILED**');
    expect(md).not.toContain('Routing restored to');
  });

  it('says production was not changed when nothing needed undoing, and shows the failed gate checks', () => {
    const doc = gateFailedDoc();
    const json = buildRollbackDocument(doc);
    expect(json.production).toMatchObject({ changed: false, restored: true });
    expect(json.trigger).toEqual({ kind: 'gate', failedChecks: [{ gate: 'quality', name: 'drift_rating_psi', verdict: 'fail', summary: 'rating PSI 0.410 > 0.200' }] });
    const md = renderRollbackMarkdown(json);
    expect(md).toContain('Production was not changed');
    expect(md).toContain('| quality | `drift_rating_psi` | rating PSI 0.410 > 0.200 |');
    expect(md).toContain('None were needed');
  });

  it('quotes the rejecting decision when a person rejected the candidate', () => {
    const base = gateFailedDoc();
    const reject = { approver: 'carol', decision: 'reject' as const, comment: 'not | during the sale', at: '2025-03-04T09:40:00.000Z', accepted: true };
    const doc: PipelineOutcomeDoc = { ...base, evidence: [], status: { ...base.status, approvals: [reject] }, cause: { type: 'ApprovalRejected', message: 'rejected by carol: not during the sale', check: null } };
    const json = buildRollbackDocument(doc);
    expect(json.trigger).toEqual({ kind: 'decision', approvals: [reject] });
    expect(renderRollbackMarkdown(json)).toContain('- carol at 2025-03-04 09:40:00 UTC: not | during the sale');
  });

  it('keeps the timeline and escapes table cells', () => {
    const doc = breachedDoc();
    const withPipe = { ...doc, timeline: [...doc.timeline, { at: doc.timeline[0].at, event: 'note', detail: 'a | b\nc' }] };
    const md = markdown(withPipe);
    expect(md).toContain('| 2025-03-04 09:00:00 UTC | note | a \\| b c |');
    expect(md).toContain('unwinding: KpiBreach');
  });
});
