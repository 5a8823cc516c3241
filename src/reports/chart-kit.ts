import type { TopLevelSpec } from 'vega-lite/build/index';
import { stageLabel } from './format';
import type { StageWindow } from './stages';

/** What every report chart shares: its frame, and the monitoring windows drawn behind the data. */

export type Layer = Extract<TopLevelSpec, { layer: unknown }>['layer'][number];

const BANDS = ['#f1f5f9', '#ffffff'];

/** Alternating backgrounds per monitoring window, a dashed rule where each opened, and its label. */
export function stageLayers(stages: StageWindow[]): Layer[] {
  const bands = stages.map((s, i) => ({ from: s.from, to: s.to, label: stageLabel(s), fill: BANDS[i % 2] }));
  return [
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
  ];
}

/** The time axis of a chart over [from, to], in UTC. */
export function timeAxis(from: string, to: string) {
  return {
    field: 't',
    type: 'temporal' as const,
    title: null,
    scale: { type: 'utc' as const, domain: [Date.parse(from), Date.parse(to)] },
    axis: { format: '%H:%M', labelOverlap: true, grid: false },
  };
}

export function chartFrame(title: string, layer: Layer[], subtitle?: string): TopLevelSpec {
  return {
    width: 960,
    height: 170,
    title: { text: title, anchor: 'start', fontSize: 14, fontWeight: 600, color: '#0f172a', offset: 8, ...(subtitle ? { subtitle, subtitleColor: '#475569' } : {}) },
    config: {
      font: 'Helvetica, Arial, sans-serif',
      view: { stroke: '#cbd5e1' },
      axis: { labelColor: '#475569', titleColor: '#475569', gridColor: '#e2e8f0', domainColor: '#94a3b8', tickColor: '#94a3b8' },
      legend: { orient: 'top', direction: 'horizontal', title: null, labelColor: '#0f172a', labelLimit: 0, symbolType: 'stroke', symbolStrokeWidth: 2.5, offset: 22 },
    },
    layer,
  };
}
