import { latencyQuantile } from '../../../src/contracts/kpi';
import { DEFAULT_STAGES } from '../../../src/contracts/pipeline-spec';
import { buildPerformanceReport, chartRows, type KpiSeries } from '../../../src/reports';
import { buildSeries, CANDIDATE, promotedDoc, STABLE, STEP_MS } from './fixtures';

/** Recomputed here from raw counters, independently of the report's own code. */
function expected(series: KpiSeries, version: string, field: string): (number | null)[] {
  return series.versions
    .find((v) => v.version === version)!
    .steps.map(({ counters: c }) => {
      switch (field) {
        case 'requestRate':
          return c.requests / (STEP_MS / 1000);
        case 'shadowRequestRate':
          return c.shadowRequests / (STEP_MS / 1000);
        case 'errorRate':
          return c.requests ? c.errors / c.requests : null;
        case 'p99Ms':
          return latencyQuantile(c.latency, 0.99);
        case 'successRate':
          return c.requests ? c.successes / c.requests : null;
        case 'shadowAgreement':
          return c.shadowRequests > c.shadowErrors ? c.shadowOverlapSum / (c.shadowRequests - c.shadowErrors) : null;
        default:
          throw new Error(field);
      }
    });
}

function walk(value: unknown, visit: (key: string | null, value: unknown, parentIsArray: boolean) => void, key: string | null = null, parentIsArray = false): void {
  visit(key, value, parentIsArray);
  if (Array.isArray(value)) value.forEach((v) => walk(v, visit, null, true));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) walk(v, visit, k, false);
}

describe('performance report JSON', () => {
  const series = buildSeries();
  const doc = promotedDoc(series);
  const report = buildPerformanceReport(doc, series, { stages: DEFAULT_STAGES });

  it('charts exactly the figures of the KPI series, step by step', () => {
    expect(report.series).toMatchObject({ from: series.from, to: series.to, stepMs: STEP_MS });
    expect(report.charts.map((c) => c.id)).toEqual(['request_rate', 'error_rate', 'p99_latency', 'success_rate', 'shadow_agreement']);
    for (const chart of report.charts) {
      const rows = chartRows(chart, report.series!.points);
      for (const line of chart.lines) {
        const version = line.role === 'candidate' ? CANDIDATE : STABLE;
        const drawn = rows.filter((r) => r.series === line.label);
        expect(drawn.map((r) => r.t)).toEqual(series.versions[0].steps.map((s) => s.start));
        expect(drawn.map((r) => r.value)).toEqual(expected(series, version, line.field));
      }
    }
  });

  it('keeps the raw counts next to the rates', () => {
    const points = report.series!.points.filter((p) => p.role === 'stable');
    expect(points.map((p) => p.requests)).toEqual(series.versions[1].steps.map((s) => s.counters.requests));
    expect(points.map((p) => p.errors)).toEqual(series.versions[1].steps.map((s) => s.counters.errors));
  });

  it('carries the monitoring thresholds the checks applied', () => {
    const threshold = Object.fromEntries(report.charts.map((c) => [c.id, c.threshold]));
    expect(threshold).toEqual({ request_rate: null, error_rate: 0.02, p99_latency: 50, success_rate: null, shadow_agreement: 0 });
  });

  it('summarises each window with the last check of the window', () => {
    expect(report.stages.map((s) => [s.stage, s.phase, s.kind, s.percent, s.checks, s.verdict])).toEqual([
      ['shadow', 'stage', 'shadow', 100, 5, 'pass'],
      ['canary', 'stage', 'traffic', 5, 5, 'pass'],
      ['quarter', 'stage', 'traffic', 25, 5, 'pass'],
      ['half', 'stage', 'traffic', 50, 5, 'pass'],
      ['full', 'stage', 'traffic', 100, 5, 'pass'],
      ['full', 'bake', 'traffic', 100, 6, 'pass'],
    ]);
    const canaryChecks = doc.checks.filter((c) => c.stage === 'canary');
    expect(report.stages[1]).toMatchObject({ from: canaryChecks[0].from, to: canaryChecks[4].to, candidate: canaryChecks[4].candidate, stable: canaryChecks[4].stable });
  });

  it('infers stage kinds without the rollout plan and leaves unknown shares empty', () => {
    const bare = buildPerformanceReport(doc, series);
    expect(bare.stages.map((s) => [s.kind, s.percent])).toEqual([
      ['shadow', null],
      ['traffic', null],
      ['traffic', null],
      ['traffic', null],
      ['traffic', null],
      ['traffic', 100],
    ]);
  });

  it('has the header figures', () => {
    expect(report).toMatchObject({
      pipelineId: 'deploy-movies-1.3.0',
      model: 'movies',
      version: CANDIDATE,
      outcome: 'promoted',
      championBefore: STABLE,
      startedAt: '2025-03-04T09:00:00.000Z',
      finishedAt: '2025-03-04T11:20:02.000Z',
    });
    expect(report.approvals.map((a) => [a.approver, a.accepted])).toEqual([
      ['bob', false],
      ['alice', true],
    ]);
    expect(report.gates.map((g) => [g.gate, g.pass, g.checks.length])).toEqual([
      ['validation', true, 2],
      ['scenarios', true, 2],
      ['quality', true, 1],
    ]);
  });

  it('is plain JSON that FerretDB 1.x stores unchanged', () => {
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
    walk(report, (key, value, parentIsArray) => {
      if (key !== null) expect(key).not.toMatch(/^\$|\./);
      if (parentIsArray) expect(Array.isArray(value)).toBe(false);
      if (typeof value === 'number') expect(Number.isFinite(value)).toBe(true);
    });
  });
});
