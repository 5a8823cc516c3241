/**
 * The benchmarks that need no stack, run in their quick mode as a person runs them: each must finish and print
 * figures that make sense. Nothing here judges how fast anything is; the bounds only catch a benchmark that hangs.
 */
import { figureProblems, lastJson, runQuickBench } from '../../support/quick-bench';

/** A bound on a run, from the work its quick sizes ask for, at a pessimistic cost per unit on a busy machine. */
const bound = (units: number, msPerUnit: number) => 60_000 + units * msPerUnit;

// 54 cells x 40 rollouts x 3 judges; a rollout takes about 1.5 ms of one core on an idle machine.
const JUDGE_MS = bound(54 * 40 * 3, 25);
// 3 catalogue sizes x 2 runtimes x (300 warm-up + 200 timed calls), plus 100 evaluated users per size; a call over the
// largest catalogue takes about 35 ms on a busy machine.
const MODELS_MS = bound(3 * 2 * 500 + 3 * 100, 50);

describe('bench:judge --quick', () => {
  it('finishes and promotes most identical candidates at 200 req/s', async () => {
    const json = lastJson(await runQuickBench('bench-judge.ts', JUDGE_MS));
    const judged = ['aa_rollback_max', 'power_success_0_9_at_200rps', 'power_success_0_8_at_20rps', 'errors_x10_detect_p90_s', 'aa_median_decision_s_200rps'];
    const figures = ['rollouts_per_cell', 'aa_paused_max', 'aa_promoted_200rps', 'seconds', ...judged, ...judged.map((k) => `thresholds_${k}`), ...judged.map((k) => `kayenta_${k}`)];
    expect(figureProblems(json, figures)).toEqual([]);
    expect(json).toMatchObject({ bench: 'judge', quick: true, rollouts_per_cell: 40 });
    // docs/verdicts.md: an identical candidate at 200 req/s is promoted (99.9% at 2,000 rollouts); 40 leave room.
    expect(json.aa_promoted_200rps).toBeGreaterThanOrEqual(0.8);
    // Shares are shares.
    for (const key of ['aa_rollback_max', 'aa_paused_max', 'aa_promoted_200rps', 'power_success_0_9_at_200rps']) expect(json[key]).toBeLessThanOrEqual(1);
    // A tenth less success at 200 req/s is caught.
    expect(json.power_success_0_9_at_200rps).toBeGreaterThan(0.5);
  }, JUDGE_MS + 10_000);
});

describe('bench:models --quick', () => {
  it('finishes with a latency and a throughput at every catalogue size', async () => {
    const json = lastJson(await runQuickBench('bench-models.ts', MODELS_MS));
    const sizes = ['', '_4x', '_16x'];
    const figures = [
      'items_count', 'dims_count', 'k_count', 'floor_us', 'ts_p50_us', 'ts_p99_us', 'onnx_p50_us', 'onnx_p99_us',
      ...sizes.flatMap((x) => [`p50_us${x}`, `p99_us${x}`, `floor_ratio${x}`, `users_per_s${x}`, `onnx_p50_us${x}`, `onnx_p99_us${x}`, `ts_vs_onnx_p50_ratio${x}`]),
    ];
    expect(figureProblems(json, [...new Set(figures)])).toEqual([]);
    expect(json).toMatchObject({ bench: 'models', quick: true });
    for (const x of sizes) {
      expect(json[`users_per_s${x}`]).toBeGreaterThan(0);
      expect(json[`p50_us${x}`]).toBeGreaterThan(0);
      expect(json[`p99_us${x}`]).toBeGreaterThanOrEqual(json[`p50_us${x}`] as number);
    }
  }, MODELS_MS + 10_000);
});
