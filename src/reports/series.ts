import { KPI_BUCKET_MS, type KpiCounters } from '../contracts/kpi';
import type { PipelineOutcomeDoc } from '../contracts/pipeline-activities';

export interface SeriesQuery {
  model: string;
  versions: string[];
  from: Date;
  to: Date;
  stepMs: number;
}

export interface SeriesStep {
  /** ISO start of the step; the step covers [start, start + stepMs). */
  start: string;
  /** Sum over replicas and over the KPI buckets inside the step. */
  counters: KpiCounters;
}

/** KPIs of some versions of one model on a common time grid, every step present even when nothing was served. */
export interface KpiSeries {
  model: string;
  from: string;
  to: string;
  stepMs: number;
  versions: { version: string; steps: SeriesStep[] }[];
}

export function stepCount(query: Pick<SeriesQuery, 'from' | 'to' | 'stepMs'>): number {
  return Math.max(0, Math.ceil((query.to.getTime() - query.from.getTime()) / query.stepMs));
}

const NICE_STEPS_MS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600].map((s) => s * 1000);

/**
 * The series a report charts: candidate and the champion it replaced, from the first monitoring window to the last
 * check, on whole-second steps chosen so that at most `maxSteps` points are drawn. Null before any rollout check.
 */
export function seriesQueryFor(doc: PipelineOutcomeDoc, maxSteps = 240): SeriesQuery | null {
  if (doc.checks.length === 0) return null;
  const fromMs = Math.min(...doc.checks.map((c) => Date.parse(c.from)));
  const toMs = Math.max(...doc.checks.map((c) => Date.parse(c.to)));
  const wanted = Math.max(KPI_BUCKET_MS, (toMs - fromMs) / maxSteps);
  const stepMs = NICE_STEPS_MS.find((s) => s >= wanted) ?? Math.ceil(wanted / 3_600_000) * 3_600_000;
  const from = Math.floor(fromMs / stepMs) * stepMs;
  // The step still under way when the report is written is left out: the replicas have not flushed all of it yet.
  const to = Math.max(from + stepMs, Math.floor(toMs / stepMs) * stepMs);
  const champion = doc.status.champion;
  const versions = champion && champion !== doc.ref.version ? [doc.ref.version, champion] : [doc.ref.version];
  return { model: doc.ref.model, versions, from: new Date(from), to: new Date(to), stepMs };
}
