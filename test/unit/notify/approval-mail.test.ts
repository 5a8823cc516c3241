import type { GateEvidence } from '../../../src/contracts/evidence';
import { pipelineSpecSchema } from '../../../src/contracts/pipeline-spec';
import { approvalRequested } from '../../../src/notify/mail-texts/pipeline';
import { renderHtml, renderText } from '../../../src/notify/render-mail';

const ref = { pipelineId: 'deploy-recs-1.2.0', model: 'recs', version: '1.2.0' };
const spec = (requireSignatures: boolean) =>
  pipelineSpecSchema.parse({ specVersion: 1, model: 'recs', version: '1.2.0', submitter: 'alice', datasets: { train: 'a'.repeat(64), validation: 'b'.repeat(64) }, approval: { approvers: ['bob'], requireSignatures } });
const evidence: GateEvidence[] = [
  {
    gate: 'scenarios',
    k: 10,
    pass: true,
    checks: [
      { name: 'latency_p99', values: { p99Ms: 1.23456789, sampled: 300 }, thresholds: { maxMs: 5 }, summary: 'p99 1.235 ms ≤ 5 ms', verdict: 'pass' },
      { name: 'shadow', values: {}, thresholds: {}, summary: 'no champion', verdict: 'skipped', reason: 'no champion yet' },
    ],
  },
];
const links = [{ label: 'deploy-recs-1.2.0 in the Temporal Web UI', url: 'http://127.0.0.1:8233/namespaces/default/workflows/deploy-recs-1.2.0' }, { label: 'mail inbox', url: 'http://127.0.0.1:1080' }];

describe('the approval mail', () => {
  const mail = approvalRequested(ref, spec(true), evidence, '2026-01-31T12:00:00.000Z');

  it('renders real HTML: the evidence as a table of rounded numbers, clickable links, the signed commands as code', () => {
    const html = renderHtml(mail.subject, { ...mail, links });
    expect(html).toMatch(/^<!doctype html><html><head><meta charset="utf-8"><title>Approval needed: recs 1.2.0<\/title>/);
    expect(html).toContain('<th style="border: 1px solid #d0d7de; padding: 4px 8px; text-align: left; vertical-align: top">Measured</th>');
    expect(html).toContain('>p99Ms 1.235, sampled 300</td>');
    expect(html).not.toContain('1.2345');
    expect(html).toContain('>skipped: no champion yet</td>');
    expect(html).toContain('<a href="http://127.0.0.1:8233/namespaces/default/workflows/deploy-recs-1.2.0">deploy-recs-1.2.0 in the Temporal Web UI</a> · <a href="http://127.0.0.1:1080">mail inbox</a>');
    expect(html).toContain('modelship approve deploy-recs-1.2.0 --comment &quot;&lt;why&gt;&quot; --as &lt;you&gt;</code>');
    // Unsigned decisions would be refused, so the stock client's command is not offered.
    expect(html).not.toContain('temporal workflow update execute');
  });

  it('keeps a plain-text part with the same content, the table as aligned columns', () => {
    const text = renderText({ ...mail, links });
    expect(text).toContain('Only decisions signed by a registered approver of the model count (approval.requireSignatures).');
    expect(text).toContain(['  Gate       Check        Measured                  Threshold  Verdict', '  scenarios  latency_p99  p99Ms 1.235, sampled 300  maxMs 5    pass'].join('\n'));
    expect(text).toContain('Approve, signed with your key:\n  modelship approve deploy-recs-1.2.0 --comment "<why>" --as <you>');
    expect(text).toContain('mail inbox: http://127.0.0.1:1080');
  });

  it('offers the stock Temporal command only where unsigned decisions count', () => {
    const text = renderText({ ...approvalRequested(ref, spec(false), evidence, '2026-01-31T12:00:00.000Z'), links });
    expect(text).toContain(`Approve from any Temporal client (unsigned):\n  temporal workflow update execute --workflow-id deploy-recs-1.2.0 --name approve --input '{"approver":"<you>","comment":"<why>"}'`);
  });

  it('escapes what people wrote', () => {
    expect(renderHtml('s', { lines: ['<script>alert(1)</script> & "x"'], links: [] })).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;x&quot;');
  });
});
