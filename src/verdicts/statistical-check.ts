import type { KpiCheck } from '../contracts/messages';
import type { Judgement } from '../contracts/verdicts';
import { summarizeSide, type CheckInput } from '../policy/kpi-rules';

/** A check of the statistical judge: the window's KPIs as read, and the judgement that decides. */
export function statisticalCheck(window: Omit<CheckInput, 'thresholds'>, judgement: Judgement): KpiCheck {
  return {
    judge: 'statistical',
    stage: window.stage.name,
    at: window.to.toISOString(),
    from: window.from.toISOString(),
    to: window.to.toISOString(),
    candidate: summarizeSide(window.candidate),
    stable: window.stable && summarizeSide(window.stable),
    rules: [],
    judgement,
    verdict: judgement.verdict === 'regressed' ? 'breach' : 'pass',
  };
}
