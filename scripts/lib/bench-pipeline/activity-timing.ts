import type { WorkflowHandle } from '@temporalio/client';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';

interface Span {
  type: string;
  local: boolean;
  startMs: number;
  endMs: number;
}

type Ts = { seconds?: unknown; nanos?: number | null } | null | undefined;
function tsMs(t: Ts): number {
  if (!t) return NaN;
  const s = t.seconds as { toNumber?: () => number } | number | string | undefined;
  const seconds = typeof s === 'object' && s?.toNumber ? s.toNumber() : Number(s ?? 0);
  return seconds * 1000 + (t.nanos ?? 0) / 1e6;
}

export interface PipelineTiming {
  /** Σ of every activity execution (ordinary and local) of the pipeline, as timed inside the worker. */
  activityMs: number;
  /** Time during which at least one of the pipeline's activities ran: the union of their spans, not their sum. */
  busyMs: number;
  activities: number;
  localActivities: number;
  /** From the end of the last activity before the `approve` signal to that signal: time spent waiting on the harness. */
  approvalWaitMs: number;
}

function unionMs(spans: Span[]): number {
  let total = 0;
  let end = -Infinity;
  for (const s of [...spans].sort((a, b) => a.startMs - b.startMs)) {
    total += Math.max(0, s.endMs - Math.max(s.startMs, end));
    end = Math.max(end, s.endMs);
  }
  return total;
}

/**
 * Times every activity execution in the worker itself, so local activities (which leave no start/complete events
 * in the history) count the same way as ordinary ones.
 */
export function createActivityTimer() {
  const spans = new Map<string, Span[]>();
  const interceptor: ActivityInterceptorsFactory = (ctx) => ({
    inbound: {
      async execute(input, next) {
        const startMs = Date.now();
        try {
          return await next(input);
        } finally {
          const id = ctx.info.workflowExecution?.workflowId ?? '';
          const list = spans.get(id) ?? [];
          list.push({ type: ctx.info.activityType, local: ctx.info.isLocal, startMs, endMs: Date.now() });
          spans.set(id, list);
        }
      },
    },
  });

  async function timing(handle: WorkflowHandle): Promise<PipelineTiming> {
    const list = spans.get(handle.workflowId) ?? [];
    const history = await handle.fetchHistory();
    const signal = (history.events ?? []).find((e) => e.workflowExecutionSignaledEventAttributes?.signalName === 'approve');
    const signalMs = tsMs(signal?.eventTime as Ts);
    const before = list.filter((s) => s.endMs <= signalMs).map((s) => s.endMs);
    return {
      activityMs: list.reduce((sum, s) => sum + (s.endMs - s.startMs), 0),
      busyMs: unionMs(list),
      activities: list.length,
      localActivities: list.filter((s) => s.local).length,
      approvalWaitMs: before.length ? signalMs - Math.max(...before) : 0,
    };
  }

  return { interceptor, timing };
}
