import { emptyCounters, type KpiCounters } from '../../../src/contracts/kpi';
import { DEFAULT_JUDGE, kpiThresholdsSchema, rolloutSchema } from '../../../src/contracts/pipeline-spec';
import type { Judgement } from '../../../src/contracts/verdicts';
import { judge, type ConcurrentStep, type Stratum } from '../../../src/verdicts/judge';
import { plannedKpis } from '../../../src/verdicts/planned-kpis';
import { checkAction, extensionOf, holdsCandidateData, judgeSettings, stageAction, undecidedAction } from '../../../src/verdicts/stage-decision';
import { evenCounters, type EvenTraffic } from '../../support/kpi-counters';

const settings = judgeSettings(DEFAULT_JUDGE, kpiThresholdsSchema.parse(undefined));
const canary = { name: 'canary', kind: 'traffic' as const, percent: 50 };

const arm = (requests: number, traffic: EvenTraffic = {}) => evenCounters(requests, { errors: 0.005, successes: 0.05, ...traffic });

function verdicts(j: Judgement): Record<string, string> {
  return Object.fromEntries(j.kpis.map((k) => [k.kpi, k.verdict]));
}

function run(candidate: KpiCounters, stable: KpiCounters | null, kind: 'shadow' | 'traffic' = 'traffic'): Judgement {
  const strata: Stratum[] = [{ stage: 'canary', kind, candidate, stable }];
  const steps: ConcurrentStep[] = stable ? [{ kind, candidate, stable }] : [];
  return judge({ strata, steps, kpis: plannedKpis(stable !== null, false, 0), users: { candidate: 1, stable: 1 }, settings });
}

describe('the statistical judge', () => {
  it('finds nothing in no data: every KPI undecided, never a pass', () => {
    const j = run(emptyCounters(), emptyCounters());
    expect(j.verdict).toBe('undecided');
    expect(j.kpis.every((k) => k.verdict === 'undecided' && k.candidate.requests === 0)).toBe(true);
  });

  it('proves an identical candidate non-inferior on plenty of data', () => {
    const j = run(arm(640_000), arm(640_000));
    expect(verdicts(j)).toEqual({
      success_vs_stable: 'non_inferior',
      errors_vs_stable: 'non_inferior',
      latency_vs_stable: 'non_inferior',
      error_rate_ceiling: 'non_inferior',
      latency_ceiling: 'non_inferior',
    });
    expect(j.verdict).toBe('non_inferior');
  });

  it('stays undecided on an identical candidate with too little data to prove the margin', () => {
    const j = run(arm(3_200), arm(3_200));
    expect(verdicts(j).success_vs_stable).toBe('undecided');
    expect(j.verdict).toBe('undecided');
  });

  it('rolls back a candidate 30% worse on successes and names the estimate', () => {
    const j = run(arm(320_000, { successes: 0.035 }), arm(320_000));
    const success = j.kpis.find((k) => k.kpi === 'success_vs_stable')!;
    expect(success.verdict).toBe('regressed');
    expect(success.estimate).toBeCloseTo(-0.3, 2);
    expect(success.upper!).toBeLessThan(0);
    expect(success.lower!).toBeLessThan(success.estimate!);
    expect(j.verdict).toBe('regressed');
  });

  it('stops a tenfold error rate on the mirrored requests of one shadow check at 20 req/s', () => {
    const j = run(arm(640, { errors: 0.05, shadow: true }), arm(640), 'shadow');
    expect(verdicts(j).errors_vs_stable).toBe('regressed');
    expect(j.kpis.find((k) => k.kpi === 'errors_vs_stable')!.eValue!).toBeGreaterThan(1 / (0.002 * 0.75));
  });

  it('rolls back a candidate whose slow requests jump, and one past the latency ceiling without a stable version', () => {
    expect(verdicts(run(arm(64_000, { slow: 0.05 }), arm(64_000))).latency_vs_stable).toBe('regressed');
    const alone = run(arm(6_400, { slow: 0.05 }), null);
    expect(alone.kpis.map((k) => k.kpi)).toEqual(['error_rate_ceiling', 'latency_ceiling']);
    expect(verdicts(alone).latency_ceiling).toBe('regressed');
  });

  it('compares latencies on the requests each version ranked, so a stable version with a warm cache does not make a newcomer look slow', () => {
    const coldCandidate = run(arm(64_000, { slow: 0.005 }), arm(64_000, { slow: 0.005, cached: 0.9 }));
    const latency = coldCandidate.kpis.find((k) => k.kpi === 'latency_vs_stable')!;
    expect(latency.verdict).not.toBe('regressed');
    expect(latency.estimate).toBeCloseTo(0, 6);
    expect(latency.stable!.requests).toBe(6_400);
    expect(verdicts(run(arm(64_000, { slow: 0.05 }), arm(64_000, { slow: 0.005, cached: 0.9 }))).latency_vs_stable).toBe('regressed');
  });

  it('spends an equal share of the budget on every KPI it judges', () => {
    const j = run(arm(3_200), arm(3_200));
    expect(j.kpis.map((k) => k.alpha)).toEqual(new Array(5).fill(0.01 / 5));
  });
});

describe('stage decisions', () => {
  const undecided: Judgement = { verdict: 'undecided', kpis: [] };
  const proven = run(arm(640_000), arm(640_000));
  const progress = { stage: canary, final: false, windowEnded: false, checksWithData: 3 };

  it('ends a stage early on proof, but only after two checks of its own', () => {
    expect(stageAction(proven, progress)).toBe('advance');
    expect(stageAction(proven, { ...progress, checksWithData: 1 })).toBe('continue');
  });

  it('promotes at the window end on one check with proof: a window is judged on the checks that saw its traffic', () => {
    expect(stageAction(proven, { ...progress, checksWithData: 1, windowEnded: true, final: true })).toBe('advance');
    expect(stageAction(proven, { ...progress, checksWithData: 0, windowEnded: true, final: true })).toBe('undecided');
  });

  it('widens on data without harm, but never promotes without proof', () => {
    expect(stageAction(undecided, { ...progress, windowEnded: true })).toBe('advance');
    expect(stageAction(undecided, { ...progress, windowEnded: true, final: true })).toBe('undecided');
  });

  it('never passes a window that held no candidate data', () => {
    expect(stageAction(undecided, { ...progress, windowEnded: true, checksWithData: 0 })).toBe('undecided');
  });

  it('extends an undecided window once, then does what the spec says', () => {
    expect(undecidedAction(DEFAULT_JUDGE, false)).toBe('extend');
    expect(undecidedAction(DEFAULT_JUDGE, true)).toBe('pause');
    expect(undecidedAction({ ...DEFAULT_JUDGE, undecided: { extendBy: '5m', then: 'rollback' } }, true)).toBe('rollback');
  });

  it('extends by the spec\'s extendBy, else by one more window, so a short window never waits long', () => {
    expect(extensionOf(rolloutSchema.parse({ window: '3s', checkInterval: '1s' }))).toBe('3s');
    expect(extensionOf(rolloutSchema.parse(undefined))).toBe('10m');
    expect(extensionOf(rolloutSchema.parse({ window: '3s', checkInterval: '1s', judge: { undecided: { extendBy: '5s' } } }))).toBe('5s');
  });

  it('under the thresholds judge, rolls back on a breach and passes a window at its end only if it held data', () => {
    const pass = { judgement: null, verdict: 'pass' as const };
    expect(checkAction({ judgement: null, verdict: 'breach' }, progress)).toBe('rollback');
    expect(checkAction(pass, progress)).toBe('continue');
    expect(checkAction(pass, { ...progress, windowEnded: true, final: true })).toBe('advance');
    expect(checkAction(pass, { ...progress, windowEnded: true, checksWithData: 0 })).toBe('undecided');
    expect(checkAction({ judgement: proven, verdict: 'pass' }, progress)).toBe('advance');
  });

  it('counts mirrored requests as candidate data in a shadow stage, served ones otherwise', () => {
    const served = { candidate: { requests: 5, shadowRequests: 0 } };
    expect(holdsCandidateData(served, canary)).toBe(true);
    expect(holdsCandidateData(served, { name: 'shadow', kind: 'shadow', percent: 100 })).toBe(false);
  });

  it('rolls back on a regression whatever the window', () => {
    expect(stageAction({ verdict: 'regressed', kpis: [] }, progress)).toBe('rollback');
  });
});
