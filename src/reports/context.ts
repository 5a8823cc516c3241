import type { RouteSnapshot } from '../contracts/pipeline-activities';
import type { Stage } from '../contracts/pipeline-spec';

/**
 * What a pipeline knows but its outcome document does not carry; the workflow audits both when the rollout starts
 * (event `rollout.started`, evidence `stages` and `routeBefore`). Documents written without it say less, never wrong.
 */
export interface ReportContext {
  /** The rollout plan: each stage's kind and traffic share. */
  stages?: Stage[];
  /** The routing before the rollout: the state a rollback restores. */
  routeBefore?: RouteSnapshot | null;
}

/** The workflow notes "finished: <outcome>" last (workflows/pipeline/state.ts). */
export const finishedAt = (timeline: { at: string; event: string }[]): string | null =>
  [...timeline].reverse().find((e) => e.event.startsWith('finished:'))?.at ?? null;
