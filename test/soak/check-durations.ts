import type { WorkflowHandle } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';

type Event = temporal.api.history.v1.IHistoryEvent;

const millis = (e: Event) => Number(e.eventTime?.seconds ?? 0) * 1000 + Math.floor((e.eventTime?.nanos ?? 0) / 1e6);

/**
 * How long each `checkKpis` activity of a pipeline ran, read from its history: from the attempt that completed it
 * starting to its completion, as the server recorded them.
 */
export async function checkDurations(handle: WorkflowHandle): Promise<number[]> {
  const history = await handle.fetchHistory();
  const events = history.events ?? [];
  const checks = new Set<number>();
  const started = new Map<number, number>();
  const out: number[] = [];
  for (const e of events) {
    const id = Number(e.eventId);
    if (e.activityTaskScheduledEventAttributes?.activityType?.name === 'checkKpis') checks.add(id);
    const s = e.activityTaskStartedEventAttributes;
    if (s && checks.has(Number(s.scheduledEventId))) started.set(Number(s.scheduledEventId), millis(e));
    const c = e.activityTaskCompletedEventAttributes;
    if (c && started.has(Number(c.scheduledEventId))) out.push(millis(e) - started.get(Number(c.scheduledEventId))!);
  }
  return out;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? 0 : s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

export interface QuarterDurations {
  pipelines: number;
  checks: number;
  medianMs: number;
  maxMs: number;
}

/** The checks of the first and of the last quarter of the pipelines, in the order they ended. */
export function quarters(perPipeline: number[][]): { first: QuarterDurations; last: QuarterDurations } {
  const n = Math.max(1, Math.floor(perPipeline.length / 4));
  const of = (part: number[][]): QuarterDurations => {
    const all = part.flat();
    return { pipelines: part.length, checks: all.length, medianMs: median(all), maxMs: all.length ? Math.max(...all) : 0 };
  };
  return { first: of(perPipeline.slice(0, n)), last: of(perPipeline.slice(-n)) };
}
