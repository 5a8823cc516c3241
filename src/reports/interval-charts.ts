import type { TopLevelSpec } from 'vega-lite/build/index';
import type { JudgedKpi, KpiVerdict } from '../contracts/verdicts';
import { verdictText } from '../verdicts/describe';
import { chartFrame, stageLayers, timeAxis, type Layer } from './chart-kit';
import type { IntervalChart } from './intervals';
import type { PerformanceReport } from './performance';

/** What each KPI measures, under its name, and how its axis reads; the values stay the judge's own fractions. */
const KPI_AXIS: Record<JudgedKpi, { subtitle: string; format: string }> = {
  success_vs_stable: { subtitle: "relative difference of the success rate from stable's", format: '+.0~%' },
  errors_vs_stable: { subtitle: "error rate minus stable's", format: '+.2~%' },
  latency_vs_stable: { subtitle: "share of requests slower than stable's p99, minus stable's", format: '+.2~%' },
  error_rate_ceiling: { subtitle: 'error rate against its ceiling', format: '.2~%' },
  latency_ceiling: { subtitle: 'share of requests over the p99 limit, against its ceiling', format: '.2~%' },
  shadow_agreement: { subtitle: 'mean overlap with what users were served, against its floor', format: '.0~%' },
};

const VERDICTS: KpiVerdict[] = ['regressed', 'undecided', 'non_inferior'];
const VERDICT_COLOURS = ['#dc2626', '#94a3b8', '#16a34a'];
const INTERVAL = '#93c5fd';
const ESTIMATE = '#2563eb';

/**
 * The y range: the reference lines, every estimate, and the last interval. The first checks' intervals can be many
 * times wider than the last; drawing them whole would flatten everything else, so the scale clamps them to its edge.
 */
function yDomain(chart: IntervalChart): [number, number] {
  const last = chart.points[chart.points.length - 1];
  const values = [chart.noHarm, chart.harmLine, ...chart.points.map((p) => p.estimate), last?.lower ?? null, last?.upper ?? null].filter((v): v is number => v !== null);
  const low = Math.min(...values);
  const high = Math.max(...values);
  const pad = high > low ? (high - low) * 0.1 : Math.max(Math.abs(high) * 0.1, 0.01);
  return [low - pad, high + pad];
}

/** A horizontal line across the chart, labelled at one end: no harm on the left, the harm line on the right. */
function referenceLayer(value: number, label: string, style: { color: string; strokeDash: number[]; end: 'left' | 'right' }): Layer[] {
  const { end, ...stroke } = style;
  return [
    {
      data: { values: [{ value, label }] },
      mark: { type: 'rule', strokeWidth: 1.2, ...stroke },
      encoding: { y: { field: 'value', type: 'quantitative' } },
    },
    {
      data: { values: [{ value, label }] },
      mark: { type: 'text', align: end, baseline: 'bottom', dx: end === 'left' ? 4 : -4, dy: -2, fontSize: 10, color: style.color },
      encoding: { x: { value: end === 'left' ? 0 : 'width' }, y: { field: 'value', type: 'quantitative' }, text: { field: 'label' } },
    },
  ];
}

/** The always-valid interval as a band, its estimate as a line with a dot per check coloured by verdict, per window. */
export function intervalChartSpec(chart: IntervalChart, report: PerformanceReport): TopLevelSpec {
  const { from, to } = report.series ?? { from: report.stages[0].from, to: report.stages[report.stages.length - 1].to };
  const axis = KPI_AXIS[chart.kpi];
  const y = (field: string) => ({
    field,
    type: 'quantitative' as const,
    title: null,
    scale: { domain: yDomain(chart), clamp: true, nice: false, zero: false },
    axis: { format: axis.format, tickCount: 5 },
  });
  const points = chart.points.map((p) => ({ ...p, judged: verdictText(p.verdict) }));
  const harm = referenceLayer(chart.harmLine, chart.limit, { color: '#dc2626', strokeDash: [6, 4], end: 'right' });
  const references = chart.harmLine === chart.noHarm ? harm : [...referenceLayer(chart.noHarm, 'no harm (stable)', { color: '#475569', strokeDash: [1, 0], end: 'left' }), ...harm];
  const bounded = points.filter((p) => p.lower !== null && p.upper !== null);
  return chartFrame(chart.title, [
    ...stageLayers(report.stages),
    {
      data: { values: bounded },
      mark: { type: 'area', color: INTERVAL, opacity: 0.45 },
      encoding: { x: timeAxis(from, to), y: y('lower'), y2: { field: 'upper' }, detail: { field: 'window', type: 'nominal' } },
    },
    // The interval of each check as a bar too: a window with a single check has no band to draw.
    {
      data: { values: bounded },
      mark: { type: 'rule', color: INTERVAL, strokeWidth: 3 },
      encoding: { x: timeAxis(from, to), y: y('lower'), y2: { field: 'upper' } },
    },
    {
      data: { values: points },
      mark: { type: 'line', color: ESTIMATE, strokeWidth: 1.8, invalid: 'break-paths-filter-domains' },
      encoding: { x: timeAxis(from, to), y: y('estimate'), detail: { field: 'window', type: 'nominal' } },
    },
    {
      data: { values: points },
      mark: { type: 'point', filled: true, size: 28, invalid: 'filter' },
      encoding: {
        x: timeAxis(from, to),
        y: y('estimate'),
        color: {
          field: 'judged',
          type: 'nominal',
          scale: { domain: VERDICTS.map(verdictText), range: VERDICT_COLOURS },
          legend: { symbolType: 'circle' },
        },
      },
    },
    ...references,
  ], axis.subtitle);
}
