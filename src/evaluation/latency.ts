import type { Check } from '../contracts/evidence';
import { measuredAlone, type HeldOutUser, type Ranker } from '../models';
import { judged, skipped } from './checks';
import type { ScenarioGate } from '../contracts/pipeline-spec';

/**
 * runScenarios has already ranked every held-out user with this scorer (V8 needs several hundred
 * calls to settle on optimised code), so a few calls suffice to bring the sample's data into cache.
 */
const WARMUP_CALLS = 50;

/**
 * The one wall-clock measurement among the gates, hence not reproducible: per-request top-k latency
 * over replayed held-out users, their seen items excluded as when serving.
 */
export async function latencyCheck(scorer: Ranker, heldOut: readonly HeldOutUser[], k: number, gate: ScenarioGate): Promise<Check> {
  const thresholds = { latencyBudgetP99Ms: gate.latencyBudgetP99Ms, sampleUsers: gate.latencySampleUsers };
  if (heldOut.length === 0) return skipped('latency_p99', 'top-k latency', 'no held-out users to replay', thresholds);

  const n = gate.latencySampleUsers;
  const m = heldOut.length;
  // Evenly spread over the held-out users, or cycling through them when there are fewer than n.
  const sample = Array.from({ length: n }, (_, i) => heldOut[m >= n ? Math.floor((i * m) / n) : i % m]);
  const micros = new Float64Array(n);
  // Alone: other pipelines' gates in this worker would otherwise take turns inside the timed awaits.
  await measuredAlone(async () => {
    for (let i = 0; i < WARMUP_CALLS; i++) {
      const user = sample[i % n];
      await scorer.topK(user.userId, k, { exclude: user.seen });
    }
    for (let i = 0; i < n; i++) {
      const user = sample[i];
      const start = performance.now();
      await scorer.topK(user.userId, k, { exclude: user.seen });
      micros[i] = (performance.now() - start) * 1000;
    }
  });
  micros.sort();
  const p50Us = round1(quantile(micros, 0.5));
  const p99Us = round1(quantile(micros, 0.99));
  const maxUs = round1(micros[n - 1]);
  const pass = p99Us <= gate.latencyBudgetP99Ms * 1000;
  return judged(
    'latency_p99',
    pass,
    { users: n, p50Us, p99Us, maxUs },
    thresholds,
    `top-${k} latency over ${n} users: p99 ${p99Us} µs ${pass ? '≤' : '>'} budget ${gate.latencyBudgetP99Ms} ms (p50 ${p50Us} µs)`,
  );
}

/** Nearest-rank quantile of sorted values: an observed latency, never an interpolated one. */
function quantile(sorted: Float64Array, q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}
