import type { TopLevelSpec } from 'vega-lite/build/index';
import type { ChartSpec, PerformanceReport } from './performance';
import type { KpiPoint } from './points';
import { stageLabel } from './format';
import { renderSvg } from './svg';

export interface ChartRow {
  t: string;
  series: string;
  value: number | null;
}

const CANDIDATE = ['#2563eb', '#7c3aed'];
const STABLE = '#ea580c';
const BANDS = ['#f1f5f9', '#ffffff'];
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
  const x = { field: 't', type: 'temporal' as const, title: null, scale: { type: 'utc' as const, domain: [Date.parse(from), Date.parse(to)] } };
  const bands = report.stages.map((s, i) => ({ from: s.from, to: s.to, label: stageLabel(s), fill: BANDS[i % 2] }));
  return {
    width: 960,
    height: 170,
    title: { text: chart.title, anchor: 'start', fontSize: 14, fontWeight: 600, color: '#0f172a', offset: 8 },
    config: {
      font: 'Helvetica, Arial, sans-serif',
      view: { stroke: '#cbd5e1' },
      axis: { labelColor: '#475569', titleColor: '#475569', gridColor: '#e2e8f0', domainColor: '#94a3b8', tickColor: '#94a3b8' },
      legend: { orient: 'top', direction: 'horizontal', title: null, labelColor: '#0f172a', labelLimit: 0, symbolType: 'stroke', symbolStrokeWidth: 2.5, offset: 22 },
    },
    layer: [
      {
        data: { values: bands },
        mark: { type: 'rect' },
        encoding: {
          x: { field: 'from', type: 'temporal', title: null },
          x2: { field: 'to' },
          fill: { field: 'fill', type: 'nominal', scale: null, legend: null },
        },
      },
      {
        data: { values: bands },
        mark: { type: 'rule', color: '#64748b', strokeDash: [4, 3], strokeWidth: 1 },
        encoding: { x: { field: 'from', type: 'temporal' } },
      },
      {
        data: { values: bands },
        mark: { type: 'text', align: 'left', baseline: 'bottom', dx: 3, dy: -3, fontSize: 10, color: '#334155' },
        encoding: { x: { field: 'from', type: 'temporal' }, y: { value: 0 }, text: { field: 'label' } },
      },
      {
        data: { values: chartRows(chart, report.series!.points) },
        mark: { type: 'line', strokeWidth: 1.8, invalid: 'break-paths-filter-domains' },
        encoding: {
          x: { ...x, axis: { format: '%H:%M', labelOverlap: true, grid: false } },
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
    ],
  };
}

/** One SVG per chart, in the report's chart order. */
export async function renderCharts(report: PerformanceReport): Promise<{ id: string; svg: string }[]> {
  const charts = [];
  for (const chart of report.charts) charts.push({ id: chart.id, svg: await renderSvg(chartSpec(chart, report)) });
  return charts;
}
