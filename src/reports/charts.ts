import type { TopLevelSpec } from 'vega-lite/build/index';
import type { ChartSpec, PerformanceReport } from './performance';
import type { KpiPoint } from './points';
import { chartFrame, stageLayers, timeAxis } from './chart-kit';
import { intervalChartSpec } from './interval-charts';
import { renderSvg } from './svg';

export interface ChartRow {
  t: string;
  series: string;
  value: number | null;
}

const CANDIDATE = ['#2563eb', '#7c3aed'];
const STABLE = '#ea580c';
const AXIS_FORMAT: Record<ChartSpec['unit'], string> = { per_second: '~s', share: '.1~%', ms: '~s' };
const UNIT_TITLE: Record<ChartSpec['unit'], string> = { per_second: 'requests / s', share: '', ms: 'ms' };

/** The values a chart draws, taken unchanged from the report's points. */
export function chartRows(chart: ChartSpec, points: KpiPoint[]): ChartRow[] {
  return chart.lines.flatMap((line) => points.filter((p) => p.role === line.role).map((p) => ({ t: p.t, series: line.label, value: p[line.field] })));
}

function colours(chart: ChartSpec): string[] {
  let candidates = 0;
  return chart.lines.map((l) => (l.role === 'stable' ? STABLE : CANDIDATE[candidates++ % CANDIDATE.length]));
}

export function chartSpec(chart: ChartSpec, report: PerformanceReport): TopLevelSpec {
  const { from, to } = report.series!;
  return chartFrame(chart.title, [
    ...stageLayers(report.stages),
    {
      data: { values: chartRows(chart, report.series!.points) },
      mark: { type: 'line', strokeWidth: 1.8, invalid: 'break-paths-filter-domains' },
      encoding: {
        x: timeAxis(from, to),
        y: { field: 'value', type: 'quantitative', title: UNIT_TITLE[chart.unit], axis: { format: AXIS_FORMAT[chart.unit], tickCount: 5 } },
        color: { field: 'series', type: 'nominal', scale: { domain: chart.lines.map((l) => l.label), range: colours(chart) } },
        strokeDash: {
          field: 'series',
          type: 'nominal',
          scale: { domain: chart.lines.map((l) => l.label), range: chart.lines.map((l) => (l.field === 'shadowRequestRate' ? [5, 3] : [1, 0])) },
        },
      },
    },
    ...(chart.threshold === null
      ? []
      : [
          {
            data: { values: [{ threshold: chart.threshold }] },
            mark: { type: 'rule' as const, color: '#dc2626', strokeDash: [6, 4], strokeWidth: 1.2 },
            encoding: { y: { field: 'threshold', type: 'quantitative' as const } },
          },
        ]),
  ]);
}

export interface RenderedCharts {
  /** Candidate vs stable over time, in the report's chart order. */
  kpis: { id: string; svg: string }[];
  /** The statistical judge's intervals, in the report's interval order. */
  intervals: { id: string; svg: string }[];
}

export async function renderCharts(report: PerformanceReport): Promise<RenderedCharts> {
  const rendered: RenderedCharts = { kpis: [], intervals: [] };
  for (const chart of report.charts) rendered.kpis.push({ id: chart.id, svg: await renderSvg(chartSpec(chart, report)) });
  for (const chart of report.intervals) rendered.intervals.push({ id: chart.id, svg: await renderSvg(intervalChartSpec(chart, report)) });
  return rendered;
}
