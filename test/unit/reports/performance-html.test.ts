import { DEFAULT_STAGES } from '../../../src/contracts/pipeline-spec';
import { renderPerformanceReport } from '../../../src/reports';
import { buildSeries, gateFailedDoc, promotedDoc } from './fixtures';

describe('performance report HTML', () => {
  const series = buildSeries();
  const doc = promotedDoc(series);
  let html: string;
  let chartCount: number;

  beforeAll(async () => {
    const rendered = await renderPerformanceReport(doc, series, { stages: DEFAULT_STAGES });
    html = rendered.html;
    chartCount = rendered.json.charts.length;
  }, 30_000);

  it('draws one inline SVG per chart, shadow agreement included', () => {
    expect(chartCount).toBe(5);
    expect(html.match(/<svg/g)).toHaveLength(chartCount);
    for (const id of ['request_rate', 'error_rate', 'p99_latency', 'success_rate', 'shadow_agreement']) expect(html).toContain(`id="chart-${id}"`);
  });

  it('is self-contained: no scripts, fonts or URLs, and one link only, to the evidence bundle beside it', () => {
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<link/i);
    expect(html).not.toMatch(/@import|@font-face|url\(/i);
    expect(html).not.toMatch(/https?:/i);
    expect(html).not.toMatch(/src=/i);
    expect(html.match(/href="[^"]*"/g)).toEqual(['href="audit-bundle.json"']);
    expect(html).toContain('<code>modelship audit verify-bundle audit-bundle.json --key &lt;verifier key&gt;</code>');
  });

  it('shows the header, the approvals and the gate evidence', () => {
    expect(html).toContain('movies 1.3.0');
    expect(html).toContain('deploy-movies-1.3.0');
    expect(html).toContain('promoted');
    expect(html).toContain('2025-03-04 09:00:00 UTC');
    expect(html).toContain('2025-03-04 11:20:02 UTC');
    expect(html).toMatch(/Champion before<\/dt><dd>1\.2\.0/);
    expect(html).toContain('alice');
    expect(html).toContain('Offline gains look solid; go.');
    expect(html).toContain('2025-03-04 09:50:00 UTC');
    expect(html).toContain('the submitter cannot approve');
    for (const name of ['ndcg_floor', 'ndcg_regression', 'cold_start_slice', 'shadow_overlap', 'drift_rating_psi']) expect(html).toContain(name);
    expect(html).toContain('skipped: no replay traffic');
  });

  it('has a row per monitoring window with its traffic share and check count', () => {
    const table = html.slice(html.indexOf('<table class="stages">'), html.indexOf('</table>', html.indexOf('<table class="stages">')));
    const rows = table.split('<tr>').slice(2);
    expect(rows.map((r) => r.match(/<strong>([^<]+)<\/strong>/)![1])).toEqual(['shadow', 'canary', 'quarter', 'half', 'full', 'bake (full)']);
    expect(rows.map((r) => r.match(/<td>(\d+)%/)![1])).toEqual(['100', '5', '25', '50', '100', '100']);
    expect(rows.map((r) => r.match(/(\d+) checks/)![1])).toEqual(['5', '5', '5', '5', '5', '6']);
    expect(rows[0]).toContain('shadowed');
  });

  it('labels stage boundaries on the charts', () => {
    const chart = html.slice(html.indexOf('id="chart-error_rate"'), html.indexOf('</figure>', html.indexOf('id="chart-error_rate"')));
    for (const label of ['shadow 100%', 'canary 5%', 'quarter 25%', 'half 50%', 'full 100%', 'bake (full) 100%']) expect(chart).toContain(label);
  });

  it('escapes what people typed', async () => {
    const hostile = promotedDoc(series);
    hostile.status = { ...hostile.status, approvals: [{ ...hostile.status.approvals[1], comment: '<img onerror=x> & "quotes"' }] };
    const { html: page } = await renderPerformanceReport(hostile, null);
    expect(page).toContain('&lt;img onerror=x&gt; &amp; &quot;quotes&quot;');
    expect(page).not.toContain('<img');
  });

  it('renders a pipeline that never rolled out, without charts', async () => {
    const { html: page, json } = await renderPerformanceReport(gateFailedDoc(), null);
    expect(json.charts).toEqual([]);
    expect(page).not.toContain('<svg');
    expect(page).toContain('ended before any rollout stage');
    expect(page).toContain('FAIL');
  });
});
