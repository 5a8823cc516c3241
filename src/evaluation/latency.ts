import type { Check } from '../contracts/evidence';
import type { ScenarioGate } from '../contracts/pipeline-spec';
import type { HeldOutUser, Ranker } from '../models';
import { environmental, judged, skipped } from './checks';
import { judgeLatency, quantile, type LatencyQuantiles } from './latency-judgement';
import { CALLS_PER_USER, measureInterleaved, sampleUsers } from './latency-sample';

/**
 * The one wall-clock measurement among the gates, hence not reproducible: per-request top-k latency over replayed
 * held-out users, their seen items excluded as when serving. The candidate is judged against the champion measured
 * beside it, so a slow machine slows both; the absolute ceiling only catches what no comparison could excuse.
 */
export async function latencyCheck(candidate: Ranker, champion: Ranker | null, heldOut: readonly HeldOutUser[], k: number, gate: ScenarioGate): Promise<Check> {
  const thresholds = { latencyBudgetP99Ms: gate.latencyBudgetP99Ms, latencyMaxRatio: gate.latencyMaxRatio, sampleUsers: gate.latencySampleUsers };
  if (heldOut.length === 0) return skipped('latency_p99', 'top-k latency', 'no held-out users to replay', thresholds);

  const n = gate.latencySampleUsers;
  const sample = await measureInterleaved(candidate, champion, sampleUsers(heldOut, n), k);
  const cand = quantiles(sample.candidate);
  const champ = sample.champion ? quantiles(sample.champion) : null;
  const judgement = judgeLatency(cand, champ, { ceilingMs: gate.latencyBudgetP99Ms, maxRatio: gate.latencyMaxRatio });
  const values = {
    users: n,
    callsPerUser: CALLS_PER_USER,
    p50Us: cand.p50Us,
    p95Us: cand.p95Us,
    p99Us: cand.p99Us,
    maxUs: round1(sample.candidate[n - 1]),
    championUsers: champ ? n : 0,
    championP50Us: champ?.p50Us ?? null,
    championP95Us: champ?.p95Us ?? null,
    championP99Us: champ?.p99Us ?? null,
    p95Ratio: judgement.ratio,
  };
  const of = (q: LatencyQuantiles) => `p50 ${q.p50Us}, p95 ${q.p95Us}, p99 ${q.p99Us} µs`;
  const measured = `top-${k} latency over ${n} users: ${of(cand)}${champ ? `; champion ${of(champ)}` : ''}`;
  if (judgement.verdict === 'fail' && judgement.cause === 'environment') {
    return environmental('latency_p99', values, thresholds, `${measured}; inconclusive: ${judgement.reason}; the gate can be run again`);
  }
  return judged('latency_p99', judgement.verdict === 'pass', values, thresholds, `${measured}; ${judgement.reason}`);
}

function quantiles(sorted: Float64Array): LatencyQuantiles {
  return { p50Us: round1(quantile(sorted, 0.5)), p95Us: round1(quantile(sorted, 0.95)), p99Us: round1(quantile(sorted, 0.99)) };
}

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}
