import type { Db } from 'mongodb';
import { addCounters, emptyCounters, KPI_BUCKET_MS, type KpiCounters } from '../src/contracts/kpi';
import type { CheckKpisInput, PipelineActivities } from '../src/contracts/pipeline-activities';
import { createKpiBucketStore, type KpiBucket } from '../src/kpis/bucket-store';
import { evaluateKpiCheck } from '../src/policy/kpi-rules';
import { judge, type ConcurrentStep, type Stratum } from '../src/verdicts/judge';
import { judgeSettings } from '../src/verdicts/stage-decision';
import { statisticalCheck } from '../src/verdicts/statistical-check';

/** A version's buckets over all replicas for the seconds in [fromMs, toMs): the summed KPIs and the sampled users. */
export async function readWindow(db: Db, model: string, version: string, fromMs: number, toMs: number): Promise<{ counters: KpiCounters; users: number[] }> {
  const buckets = await readBuckets(db, model, version, fromMs, toMs);
  return {
    counters: buckets.reduce((sum, b) => addCounters(sum, b.counters), emptyCounters()),
    users: buckets.flatMap((b) => b.users),
  };
}

/** From the start of the second fromMs falls in. */
function readBuckets(db: Db, model: string, version: string, fromMs: number, toMs: number): Promise<KpiBucket[]> {
  const from = new Date(Math.floor(fromMs / KPI_BUCKET_MS) * KPI_BUCKET_MS);
  return createKpiBucketStore(db).read(model, [version], from, new Date(toMs));
}

/** Where a bucket falls: its stage, and the first check at or after its second (the stage's last for a late one). */
function slotOf(stages: CheckKpisInput['stages'], startMs: number): { stage: number; check: number } | null {
  let stage = -1;
  for (let i = 0; i < stages.length && stages[i].fromMs <= startMs + KPI_BUCKET_MS - 1; i++) stage = i;
  if (stage < 0) return null;
  const times = stages[stage].checkTimes;
  const check = times.findIndex((t) => t > startMs);
  return { stage, check: check === -1 ? times.length - 1 : check };
}

/** Per stage and per check, one version's counters; and the distinct users it sampled. */
async function binned(db: Db, model: string, version: string, input: CheckKpisInput) {
  const stages = input.stages.map((s) => ({ total: emptyCounters(), checks: s.checkTimes.map(() => emptyCounters()) }));
  const users = new Set<number>();
  for (const doc of await readBuckets(db, model, version, input.stages[0].fromMs, input.toMs)) {
    const slot = slotOf(input.stages, doc.start.getTime());
    if (!slot) continue;
    addCounters(stages[slot.stage].total, doc.counters);
    if (slot.check >= 0) addCounters(stages[slot.stage].checks[slot.check], doc.counters);
    for (const u of doc.users) users.add(u);
  }
  return { stages, users: users.size };
}

/** A stage serves stable beside the candidate unless the candidate serves everyone. */
const concurrent = (s: CheckKpisInput['stages'][number]) => s.kind === 'shadow' || s.percent < 100;

async function judgeRollout(db: Db, input: CheckKpisInput) {
  const [cand, base] = await Promise.all([
    binned(db, input.ref.model, input.candidate, input),
    input.stable ? binned(db, input.ref.model, input.stable, input) : Promise.resolve(null),
  ]);
  const strata: Stratum[] = input.stages.map((s, i) => ({
    stage: s.label,
    kind: s.kind,
    candidate: cand.stages[i].total,
    stable: base && concurrent(s) ? base.stages[i].total : null,
  }));
  const steps: ConcurrentStep[] = base
    ? input.stages.flatMap((s, i) => (concurrent(s) ? s.checkTimes.map((_, c) => ({ kind: s.kind, candidate: cand.stages[i].checks[c], stable: base.stages[i].checks[c] })) : []))
    : [];
  return judge({ strata, steps, kpis: input.kpis, users: { candidate: cand.users, stable: base?.users ?? 0 }, settings: judgeSettings(input.judge, input.thresholds) });
}

export function createKpiActivities(db: Db): Pick<PipelineActivities, 'checkKpis'> {
  return {
    async checkKpis(input) {
      const { ref, stage, candidate, stable, fromMs, toMs, thresholds } = input;
      const [cand, base] = await Promise.all([
        readWindow(db, ref.model, candidate, fromMs, toMs),
        stable ? readWindow(db, ref.model, stable, fromMs, toMs) : Promise.resolve(null),
      ]);
      const window = { stage, from: new Date(fromMs), to: new Date(toMs), candidate: cand.counters, stable: base?.counters ?? null, thresholds };
      if (input.judge.kind === 'thresholds') return evaluateKpiCheck(window);
      return statisticalCheck(window, await judgeRollout(db, input));
    },
  };
}
