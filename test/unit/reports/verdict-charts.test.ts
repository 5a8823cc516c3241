import { DEFAULT_STAGES } from '../../../src/contracts/pipeline-spec';
import { buildPerformanceReport, chartSpec, intervalChartSpec, renderPerformanceReport, type IntervalChart } from '../../../src/reports';
import { buildSeries, promotedDoc } from './fixtures';

interface LooseLayer {
  data?: { values: Record<string, unknown>[] };
  mark: { type: string };
  encoding: { y?: { scale?: { domain?: number[]; clamp?: boolean } } };
}
const layers = (spec: unknown) => (spec as { layer: LooseLayer[] }).layer;
const marked = (spec: unknown, type: string) => layers(spec).filter((l) => l.mark.type === type);

describe('performance report of a statistical rollout', () => {
  const series = buildSeries();
  const doc = promotedDoc(series, 'statistical');
  const report = buildPerformanceReport(doc, series, { stages: DEFAULT_STAGES });
  const chart = (kpi: IntervalChart['kpi']) => report.intervals.find((c) => c.kpi === kpi)!;

  it('has one interval chart per judged KPI, carrying every check of the KPI as it was judged', () => {
    expect(report.intervals.map((c) => c.kpi)).toEqual(['success_vs_stable', 'errors_vs_stable', 'latency_vs_stable', 'error_rate_ceiling', 'latency_ceiling']);
    for (const c of report.intervals) {
      expect(c.points).toHaveLength(doc.checks.length);
      c.points.forEach((p, i) => {
        const k = doc.checks[i].judgement!.kpis.find((x) => x.kpi === c.kpi)!;
        expect(p).toEqual({ t: doc.checks[i].at, window: expect.any(String), estimate: k.estimate, lower: k.lower, upper: k.upper, verdict: k.verdict });
      });
    }
  });

  it('labels each check with its monitoring window, as the stage bands are labelled', () => {
    const windows = chart('errors_vs_stable').points.map((p) => p.window);
    expect([...new Set(windows)]).toEqual(['shadow 100%', 'canary 5%', 'quarter 25%', 'half 50%', 'full 100%', 'bake (full) 100%']);
    expect(windows.filter((w) => w === 'bake (full) 100%')).toHaveLength(6);
  });

  it('puts the margin on the harmful side of no harm, and a limit on the limit itself', () => {
    expect(chart('success_vs_stable')).toMatchObject({ noHarm: 0, harmLine: -0.1, limit: 'margin -10%', harmIsHigher: false });
    expect(chart('errors_vs_stable')).toMatchObject({ noHarm: 0, harmLine: 0.005, limit: 'margin +0.5 pp', harmIsHigher: true });
    expect(chart('error_rate_ceiling')).toMatchObject({ noHarm: 0.02, harmLine: 0.02, limit: 'ceiling 2%', harmIsHigher: true });
    expect(chart('latency_ceiling').last).toBe('requests over the p99 limit: 0.00% (always-valid 99.95% interval 0.00% to 0.00%, ceiling 1%) — non-inferior; candidate 116,259 requests / 23,783 users');
  });

  it('draws the interval band, the estimate, and the no-harm and margin lines from those figures', () => {
    const c = chart('success_vs_stable');
    const spec = intervalChartSpec(c, report);
    const bounded = c.points.filter((p) => p.lower !== null && p.upper !== null);
    expect(bounded.length).toBeGreaterThan(20);
    const [band] = marked(spec, 'area');
    expect(band.data!.values.map((v) => [v.t, v.lower, v.upper, v.window])).toEqual(bounded.map((p) => [p.t, p.lower, p.upper, p.window]));
    const [line] = marked(spec, 'line');
    expect(line.data!.values.map((v) => [v.t, v.estimate])).toEqual(c.points.map((p) => [p.t, p.estimate]));
    const references = marked(spec, 'rule').flatMap((l) => l.data!.values.filter((v) => 'value' in v));
    expect(references).toEqual([
      { value: 0, label: 'no harm (stable)' },
      { value: -0.1, label: 'margin -10%' },
    ]);
    const { domain, clamp } = band.encoding.y!.scale!;
    expect(clamp).toBe(true);
    expect(domain![0]).toBeLessThan(-0.1);
    expect(domain![1]).toBeGreaterThan(Math.max(...c.points.map((p) => p.estimate ?? -1)));
  });

  it('draws a ceiling as a single limit line', () => {
    const references = marked(intervalChartSpec(chart('error_rate_ceiling'), report), 'rule').flatMap((l) => l.data!.values.filter((v) => 'value' in v));
    expect(references).toEqual([{ value: 0.02, label: 'ceiling 2%' }]);
  });

  it('renders an SVG per KPI with the last check in words, and the judged verdict of each window', async () => {
    const { html } = await renderPerformanceReport(doc, series, { stages: DEFAULT_STAGES });
    expect(html).toContain('<h2>Statistical verdicts over time</h2>');
    expect(html.match(/<svg/g)).toHaveLength(report.charts.length + report.intervals.length);
    for (const c of report.intervals) expect(html).toContain(`<figure class="interval-chart" id="chart-${c.id}">`);
    const success = html.slice(html.indexOf('id="chart-interval_success_vs_stable"'), html.indexOf('</figure>', html.indexOf('id="chart-interval_success_vs_stable"')));
    for (const text of ['margin -10%', 'no harm (stable)', 'canary 5%', 'bake (full) 100%']) expect(success).toContain(text);
    expect(success).toContain(
      '<figcaption class="note">success vs stable: +0.1% (always-valid 99.8% interval -3.0% to +3.2%, margin -10%) — non-inferior; candidate 116,259 requests / 23,783 users, stable 77,883 requests / 12,981 users</figcaption>',
    );
    expect(report.stages.map((s) => s.judgement)).toEqual(['undecided', 'undecided', 'non_inferior', 'non_inferior', 'non_inferior', 'non_inferior']);
    expect(html).toContain('judged non-inferior');
    expect(html).toContain('5 charts, 5 verdict charts</footer>');
  }, 30_000);

  it('tells a shadow stage by its mirrored requests when the rollout plan is not given', () => {
    expect(buildPerformanceReport(doc, series).stages.map((s) => s.kind)).toEqual(['shadow', 'traffic', 'traffic', 'traffic', 'traffic', 'traffic']);
  });
});

describe('performance report of a thresholds rollout', () => {
  const series = buildSeries();
  const doc = promotedDoc(series);
  const report = buildPerformanceReport(doc, series, { stages: DEFAULT_STAGES });

  it('has no verdict charts, and its KPI charts draw the series and the thresholds as before', async () => {
    expect(report.intervals).toEqual([]);
    expect(report.stages.every((s) => s.judgement === null)).toBe(true);
    const errorRate = chartSpec(report.charts.find((c) => c.id === 'error_rate')!, report);
    expect(layers(errorRate).map((l) => l.mark.type)).toEqual(['rect', 'rule', 'text', 'line', 'rule']);
    expect(marked(errorRate, 'rule')[1].data!.values).toEqual([{ threshold: 0.02 }]);
    const { html } = await renderPerformanceReport(doc, series, { stages: DEFAULT_STAGES });
    expect(html).not.toContain('Statistical verdicts');
    expect(html).not.toContain('interval-chart"');
    expect(html).not.toContain('judged ');
    expect(html.match(/<svg/g)).toHaveLength(5);
    expect(html).toContain('6 monitoring windows, 5 charts</footer>');
  }, 30_000);
});
