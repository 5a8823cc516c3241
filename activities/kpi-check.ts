import type { Db } from 'mongodb';
import { addCounters, emptyCounters } from '../src/contracts/kpi';
import type { CheckKpisInput, PipelineActivities } from '../src/contracts/pipeline-activities';
import { createKpiBucketStore, type KpiBucketStore, type KpiSum } from '../src/kpis/bucket-store';
import { estimateDistinct } from '../src/kpis/distinct-users';
import { createRolloutLedger } from '../src/kpis/rollout-ledger';
import { checkRanges } from '../src/kpis/rollout-ranges';
import { evaluateKpiCheck } from '../src/policy/kpi-rules';
import { judge, type ConcurrentStep, type Stratum } from '../src/verdicts/judge';
import { judgeSettings } from '../src/verdicts/stage-decision';
import { statisticalCheck } from '../src/verdicts/statistical-check';

/** A version's KPIs over all replicas for the seconds in [fromMs, toMs): the summed counts and the sampled users. */
export function readWindow(db: Db, model: string, version: string, fromMs: number, toMs: number): Promise<KpiSum> {
  return createKpiBucketStore(db).sum(model, version, fromMs, toMs);
}

/** A stage serves stable beside the candidate unless the candidate serves everyone. */
const concurrent = (s: CheckKpisInput['stages'][number]) => s.kind === 'shadow' || s.percent < 100;

/**
 * Judges the whole rollout so far. Its seconds are binned by stage and check (rollout-ranges.ts); the sums of checks
 * settled earlier come from the rollout's ledger, so a check reads only the seconds since, whatever the rollout's
 * length or the history stored.
 */
async function judgeRollout(db: Db, store: KpiBucketStore, input: CheckKpisInput) {
  const ranges = checkRanges(input.stages, input.toMs);
  const versions = input.stable ? [input.candidate, input.stable] : [input.candidate];
  const sums = await createRolloutLedger(db, store).sums(input.ref.pipelineId, input.ref.model, versions, ranges, Date.now());
  const binned = (version: string) => {
    const { counters, users } = sums.get(version)!;
    const stages = input.stages.map((s) => ({ total: emptyCounters(), checks: s.checkTimes.map(() => emptyCounters()) }));
    ranges.forEach((r, i) => {
      addCounters(stages[r.stage]!.total, counters[i]!);
      if (r.check >= 0) addCounters(stages[r.stage]!.checks[r.check]!, counters[i]!);
    });
    return { stages, users: estimateDistinct(users) };
  };
  const cand = binned(input.candidate);
  const base = input.stable ? binned(input.stable) : null;
  const strata: Stratum[] = input.stages.map((s, i) => ({
    stage: s.label,
    kind: s.kind,
    candidate: cand.stages[i]!.total,
    stable: base && concurrent(s) ? base.stages[i]!.total : null,
  }));
  const steps: ConcurrentStep[] = base
    ? input.stages.flatMap((s, i) => (concurrent(s) ? s.checkTimes.map((_, c) => ({ kind: s.kind, candidate: cand.stages[i]!.checks[c]!, stable: base.stages[i]!.checks[c]! })) : []))
    : [];
  return judge({ strata, steps, kpis: input.kpis, users: { candidate: cand.users, stable: base?.users ?? 0 }, settings: judgeSettings(input.judge, input.thresholds) });
}

export function createKpiActivities(db: Db): Pick<PipelineActivities, 'checkKpis'> {
  const store = createKpiBucketStore(db);
  return {
    async checkKpis(input) {
      const { ref, stage, candidate, stable, fromMs, toMs, thresholds } = input;
      const [cand, base] = await Promise.all([
        store.sum(ref.model, candidate, fromMs, toMs),
        stable ? store.sum(ref.model, stable, fromMs, toMs) : Promise.resolve(null),
      ]);
      const window = { stage, from: new Date(fromMs), to: new Date(toMs), candidate: cand.counters, stable: base?.counters ?? null, thresholds };
      if (input.judge.kind === 'thresholds') return evaluateKpiCheck(window);
      return statisticalCheck(window, await judgeRollout(db, store, input));
    },
  };
}
