import { KPI_BUCKET_MS } from '../contracts/kpi';
import type { StageChecks } from '../contracts/pipeline-activities';

/** Whole seconds [loMs, hiMs) whose KPIs go to one check of one stage (or to a stage without checks). */
export interface CheckRange {
  stage: number;
  /** The check's index in its stage, or -1 for a stage that has none yet. */
  check: number;
  loMs: number;
  hiMs: number;
}

const floorSecond = (ms: number) => Math.floor(ms / KPI_BUCKET_MS) * KPI_BUCKET_MS;
const ceilSecond = (ms: number) => Math.ceil(ms / KPI_BUCKET_MS) * KPI_BUCKET_MS;

/**
 * Tiles the seconds from the first stage's start up to `toMs` by stage and check. A second belongs to the last stage
 * that had started by its end, and within it to the first check after the second began; seconds after a stage's
 * last check count for that check. A second counts when it starts before `toMs`.
 */
export function checkRanges(stages: StageChecks[], toMs: number): CheckRange[] {
  const out: CheckRange[] = [];
  stages.forEach((stage, i) => {
    const lo = floorSecond(stage.fromMs);
    const hi = i + 1 < stages.length ? floorSecond(stages[i + 1]!.fromMs) : ceilSecond(toMs);
    if (stage.checkTimes.length === 0) {
      out.push({ stage: i, check: -1, loMs: lo, hiMs: Math.max(lo, hi) });
      return;
    }
    let from = lo;
    stage.checkTimes.forEach((t, c) => {
      const to = c + 1 < stage.checkTimes.length ? Math.min(hi, Math.max(from, ceilSecond(t))) : Math.max(from, hi);
      out.push({ stage: i, check: c, loMs: from, hiMs: to });
      from = to;
    });
  });
  return out;
}
