import type { Db } from 'mongodb';
import type { KpiCheck } from '../src/contracts/messages';
import type { MonitoringPolicy } from '../src/contracts/model-policy';
import type { KpiCounters } from '../src/contracts/kpi';
import { durationMs } from '../src/contracts/primitives';
import { evaluateKpiCheck } from '../src/policy/kpi-rules';
import { judge } from '../src/verdicts/judge';
import { plannedKpis } from '../src/verdicts/planned-kpis';
import { judgeSettings } from '../src/verdicts/stage-decision';
import { statisticalCheck } from '../src/verdicts/statistical-check';
import { readWindow } from './kpi-check';

const PRODUCTION_STAGE = { name: 'production', kind: 'traffic', percent: 100 } as const;

interface Window {
  counters: KpiCounters;
  users: number[];
}

/**
 * A production check. After promotion nothing serves beside the champion, and last-known-good no longer has traffic,
 * so the statistical judge compares each window with the champion's own history just before it (the policy's
 * `baseline`): a regression against the recent past, and the ceilings, which need no reference. Without any history
 * yet only the ceilings are judged.
 */
export async function judgeProduction(db: Db, check: { model: string; version: string; fromMs: number; toMs: number; policy: MonitoringPolicy }, window: Window): Promise<KpiCheck> {
  const { model, version, fromMs, toMs, policy } = check;
  const base = { stage: PRODUCTION_STAGE, from: new Date(fromMs), to: new Date(toMs), candidate: window.counters, stable: null, thresholds: policy.thresholds };
  if (policy.judge.kind === 'thresholds') return evaluateKpiCheck(base);
  const history = await readWindow(db, model, version, fromMs - durationMs(policy.baseline), fromMs);
  const reference = history.counters.requests > 0 ? history.counters : null;
  const judgement = judge({
    strata: [{ stage: 'production', kind: 'traffic', candidate: window.counters, stable: reference }],
    steps: reference ? [{ kind: 'traffic', candidate: window.counters, stable: reference }] : [],
    kpis: plannedKpis(reference !== null, false, 0),
    users: { candidate: new Set(window.users).size, stable: new Set(history.users).size },
    settings: judgeSettings(policy.judge, policy.thresholds),
  });
  return statisticalCheck({ ...base, stable: reference }, judgement);
}
