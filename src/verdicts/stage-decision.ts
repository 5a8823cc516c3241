import type { KpiCheck } from '../contracts/messages';
import type { JudgeSpec, KpiThresholds, Stage } from '../contracts/pipeline-spec';
import type { JudgedKpi, Judgement, KpiVerdict } from '../contracts/verdicts';
import type { JudgeSettings } from './judge';

/**
 * A stage may end before its window on proof only after this many checks of its own that held candidate data. At the
 * window's end one such check is enough: it judged all of the window's traffic, however few checks a slow store or a
 * busy worker left time for.
 */
export const MIN_CHECKS_BEFORE_EARLY_END = 2;

/** What a shadow stage can measure: no user sees the candidate's answers, so there are no successes or latencies. */
const SHADOW_KPIS: JudgedKpi[] = ['errors_vs_stable', 'error_rate_ceiling', 'shadow_agreement'];

export interface StageProgress {
  stage: Stage;
  /** The last stage: what it ends in is a promotion. */
  final: boolean;
  windowEnded: boolean;
  /** Checks of this stage in which the candidate had requests (or mirrored requests, in a shadow stage). */
  checksWithData: number;
}

/**
 * - `rollback`: some KPI regressed.
 * - `advance`: the stage is done, early on proof of non-inferiority or at its window's end.
 * - `continue`: keep checking.
 * - `undecided`: the window ended without what it needs; the spec's `undecided` rule applies.
 *
 * Widening to the next stage needs data without harm; promotion, the end of the final stage, needs proof.
 */
export type StageAction = 'rollback' | 'advance' | 'continue' | 'undecided';

export function stageVerdict(judgement: Judgement, stage: Stage): KpiVerdict {
  const measured = judgement.kpis.filter((k) => stage.kind === 'traffic' || SHADOW_KPIS.includes(k.kpi));
  if (measured.some((k) => k.verdict === 'regressed')) return 'regressed';
  return measured.length > 0 && measured.every((k) => k.verdict === 'non_inferior') ? 'non_inferior' : 'undecided';
}

export function stageAction(judgement: Judgement, p: StageProgress): StageAction {
  if (judgement.verdict === 'regressed') return 'rollback';
  const proven = stageVerdict(judgement, p.stage) === 'non_inferior';
  if (proven && (p.checksWithData >= MIN_CHECKS_BEFORE_EARLY_END || (p.windowEnded && p.checksWithData > 0))) return 'advance';
  if (!p.windowEnded) return 'continue';
  if (!p.final && p.checksWithData > 0) return 'advance';
  return 'undecided';
}

/** Whether a check's window held requests of the candidate: mirrored ones in a shadow stage, served ones otherwise. */
export const holdsCandidateData = (check: { candidate: { requests: number; shadowRequests: number } }, stage: Stage) =>
  (stage.kind === 'shadow' ? check.candidate.shadowRequests : check.candidate.requests) > 0;

/**
 * What a check means for its stage, under either judge. The thresholds judge has no proof to give: it rolls back on
 * a breach and passes a window at its end, never one that held no candidate data.
 */
export function checkAction(check: Pick<KpiCheck, 'judgement' | 'verdict'>, p: StageProgress): StageAction {
  if (check.judgement) return stageAction(check.judgement, p);
  if (check.verdict === 'breach') return 'rollback';
  if (!p.windowEnded) return 'continue';
  return p.checksWithData > 0 ? 'advance' : 'undecided';
}

/** After an undecided window: one extension, then what the spec says. */
export function undecidedAction(spec: JudgeSpec, extended: boolean): 'extend' | 'pause' | 'rollback' {
  return extended ? spec.undecided.then : 'extend';
}

/** How long an undecided window is extended: the spec's `extendBy`, else one more window. */
export function extensionOf(rollout: { window: string; judge: JudgeSpec }): string {
  return rollout.judge.undecided.extendBy ?? rollout.window;
}

export function judgeSettings(spec: JudgeSpec, thresholds: KpiThresholds): JudgeSettings {
  return {
    alpha: spec.alpha,
    successMargin: spec.margins.success,
    errorMargin: spec.margins.errors,
    latencyMargin: spec.margins.latency,
    minEffect: spec.minEffect,
    maxErrorRate: thresholds.maxErrorRate,
    maxP99Ms: thresholds.maxP99Ms,
    minShadowAgreement: thresholds.minShadowAgreement,
    minRequests: thresholds.minRequests,
  };
}
