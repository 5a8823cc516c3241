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
    expect(json.trigger).toEqual({ kind: 'kpi_check', check: doc.cause!.check });
    const md = renderRollbackMarkdown(json);
    expect(md).toContain('**KpiBreach**: KPI breach at canary: p99_latency_ms');
    expect(md).toMatch(/\| `p99_latency_ms` \| 141\.3 ms \| 50\.0 ms \| \*\*BREACH\*\* \|/);
    expect(md).toMatch(/\| `error_rate` \| 0\.00 % \| 2\.00 % \| pass \|/);
    expect(md).toContain('stage **canary**');
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
