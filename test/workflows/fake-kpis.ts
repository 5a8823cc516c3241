import { emptyCounters, type KpiCounters } from '../../src/contracts/kpi';
import type { KpiCheck } from '../../src/contracts/messages';
import type { CheckKpisInput } from '../../src/contracts/pipeline-activities';
import { evaluateKpiCheck } from '../../src/policy/kpi-rules';
import { judge, type ConcurrentStep, type Stratum } from '../../src/verdicts/judge';
import { judgeSettings } from '../../src/verdicts/stage-decision';
import { statisticalCheck } from '../../src/verdicts/statistical-check';
import { evenCounters } from '../support/kpi-counters';

/** Traffic per check in the fake world: plenty, so a healthy candidate is proven non-inferior within two checks. */
const PER_CHECK = 40_000;

export interface FakeTraffic {
  /** Stage labels where the candidate fails a tenth of its requests. */
  breachAt: string[];
  /** Stage labels where the candidate gets no requests at all. */
  noDataAt: string[];
}

function scale(c: KpiCounters, n: number): KpiCounters {
  const out = emptyCounters();
  for (const key of Object.keys(c) as (keyof KpiCounters)[]) {
    const v = c[key];
    (out[key] as unknown) = Array.isArray(v) ? v.map((x) => x * n) : (v as number) * n;
  }
  return out;
}

/**
 * The KPI check as the real activity computes it, on a synthetic world: the same judge over the stages and checks the
 * workflow sends, so a workflow test sees the verdicts, extensions and waits the real judge would produce.
 */
export function fakeCheck(input: CheckKpisInput, traffic: FakeTraffic): KpiCheck {
  const perCheck = (label: string, kind: 'shadow' | 'traffic', percent: number) => {
    const share = kind === 'shadow' ? 1 : percent / 100;
    const none = traffic.noDataAt.includes(label);
    const breach = traffic.breachAt.includes(label);
    const candidate = evenCounters(none ? 0 : PER_CHECK * share, { errors: breach ? 0.1 : 0, successes: 0.2, shadow: kind === 'shadow' });
    const stable = kind === 'shadow' || percent < 100 ? evenCounters(PER_CHECK * (kind === 'shadow' ? 1 : 1 - share), { successes: 0.2 }) : null;
    return { candidate, stable };
  };
  const current = input.stages[input.stages.length - 1];
  const now = perCheck(current.label, current.kind, current.percent);
  const window = { stage: input.stage, from: new Date(input.fromMs), to: new Date(input.toMs), candidate: scale(now.candidate, current.checkTimes.length), stable: now.stable && scale(now.stable, current.checkTimes.length), thresholds: input.thresholds };
  if (input.judge.kind === 'thresholds') return evaluateKpiCheck(window);
  const strata: Stratum[] = input.stages.map((s) => {
    const c = perCheck(s.label, s.kind, s.percent);
    return { stage: s.label, kind: s.kind, candidate: scale(c.candidate, s.checkTimes.length), stable: c.stable && scale(c.stable, s.checkTimes.length) };
  });
  const steps: ConcurrentStep[] = input.stages.flatMap((s) => {
    const c = perCheck(s.label, s.kind, s.percent);
    return c.stable ? s.checkTimes.map(() => ({ kind: s.kind, candidate: c.candidate, stable: c.stable! })) : [];
  });
  const judgement = judge({ strata, steps, kpis: input.kpis, users: { candidate: 100, stable: 100 }, settings: judgeSettings(input.judge, input.thresholds) });
  return statisticalCheck(window, judgement);
}
