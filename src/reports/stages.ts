import type { KpiCheck, KpiSide } from '../contracts/messages';
import type { TimelineEntry } from '../contracts/pipeline-activities';
import type { Stage } from '../contracts/pipeline-spec';
import type { KpiVerdict } from '../contracts/verdicts';

/** One monitoring window as the stage table shows it; the KPI figures are the last check's, cumulative over the window. */
export interface StageWindow {
  stage: string;
  /** The bake is a second window at 100% that reuses the last stage's name. */
  phase: 'stage' | 'bake';
  kind: Stage['kind'];
  /** Null when the rollout plan was not given to the report. */
  percent: number | null;
  from: string;
  to: string;
  checks: number;
  verdict: KpiCheck['verdict'];
  /** The statistical judge's verdict at the last check: a window passes undecided too. Null under the thresholds judge. */
  judgement: KpiVerdict | null;
  candidate: KpiSide;
  stable: KpiSide | null;
}

/** Every check of one window shares the window's opening time, so checks group by (stage, from). */
function groupWindows(checks: KpiCheck[]): KpiCheck[][] {
  const groups: KpiCheck[][] = [];
  for (const check of checks) {
    const last = groups[groups.length - 1]?.[0];
    if (last && last.stage === check.stage && last.from === check.from) groups[groups.length - 1].push(check);
    else groups.push([check]);
  }
  return groups;
}

/** The thresholds judge names shadow rules; under the statistical one, a shadow stage mirrors requests and serves none. */
const isShadowCheck = (check: KpiCheck) =>
  check.rules.some((r) => r.rule.startsWith('shadow_')) || (check.judge === 'statistical' && check.candidate.requests === 0 && check.candidate.shadowRequests > 0);

export function stageWindows(checks: KpiCheck[], timeline: TimelineEntry[], plan: Stage[] = []): StageWindow[] {
  // The workflow notes "step bake (<stage>)" when the bake starts (workflows/pipeline/state.ts).
  const bakeAt = timeline.find((e) => e.event.startsWith('step bake'))?.at;
  return groupWindows(checks).map((group) => {
    const first = group[0];
    const last = group[group.length - 1];
    const planned = plan.find((s) => s.name === first.stage);
    const bake = bakeAt !== undefined && Date.parse(first.from) >= Date.parse(bakeAt);
    return {
      stage: first.stage,
      phase: bake ? 'bake' : 'stage',
      kind: planned?.kind ?? (isShadowCheck(first) ? 'shadow' : 'traffic'),
      percent: bake ? 100 : (planned?.percent ?? null),
      from: first.from,
      to: last.to,
      checks: group.length,
      verdict: last.verdict,
      judgement: last.judgement?.verdict ?? null,
      candidate: last.candidate,
      stable: last.stable,
    };
  });
}
