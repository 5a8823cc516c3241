/**
 * The benchmarks that need the local stack, run in their quick mode as a person runs them, with the stack's
 * environment: each must finish and print figures that make sense. Nothing here judges how fast anything is; the
 * bounds, derived from each quick run's sizes at a pessimistic cost per unit, only catch a benchmark that hangs.
 */
import { MongoClient } from 'mongodb';
import { figureProblems, lastJson, runQuickBench } from '../../support/quick-bench';

const bound = (units: number, msPerUnit: number) => 60_000 + units * msPerUnit;

// 500 signatures (well under 1 ms each) and 30 whole checks of a few round trips each.
const IDENTITY_MS = bound(30, 2000);
// 300 + 300 + 48 + 1,000 appends, 300 plain inserts, 12.5 MB of artifacts, proofs at 10^3.
const AUDIT_MS = bound(1948, 100);
// 6 rounds of load (3 s each with the warm-up, 2 s at an offered load) on 4 servers, each loading a 9,742-item model.
const GATEWAY_MS = bound(4, 45_000);
// 3 pipelines at once and 1 rollback, each some 40 steps and 6 windows of 1 s.
const PIPELINE_MS = bound(4, 60_000);
// 1 model's hour of KPI documents (some 8,000), 1,000 audit events and 40 versions, written at 10 ms each; 10 paths x
// (1 untimed + 3 timed) runs on each database, at 2 s each (the audit bundle takes about 1 s on a busy machine); then
// 18 append processes to start, at 15 s each, for 4 rounds of 1 s.
const AGED_MS = bound(8000 + 1000 + 40 * 10, 10) + 10 * 4 * 2 * 2000 + 18 * 15_000;

describe('benchmarks on the stack, quick mode', () => {
  it('bench:identity finishes with every step timed', async () => {
    const json = lastJson(await runQuickBench('bench-identity.ts', IDENTITY_MS));
    const figures = ['sign_p50_us', 'verify_p50_us', 'verify_p99_us', 'plain_read_p50_ms', 'identity_check_p50_ms', 'identity_check_p99_ms', 'identity_check_vs_plain_read_ratio'];
    expect(figureProblems(json, figures)).toEqual([]);
    expect(json).toMatchObject({ bench: 'identity', quick: true });
    for (const key of figures) expect(json[key]).toBeGreaterThan(0);
  }, IDENTITY_MS + 10_000);

  it('bench:audit finishes with rates above 0 and proofs at 10^3 events', async () => {
    const json = lastJson(await runQuickBench('bench-audit.ts', AUDIT_MS));
    const rates = ['seq_appends_per_s', 'seq_raw_inserts_per_s', 'concurrent8_appends_per_s', 'concurrent8_separate_writers_appends_per_s', 'verify_events_per_s', 'upload_mb_per_s', 'download_mb_per_s', 'tree_build_appends_per_s'];
    const figures = [...rates, 'seq_appends_vs_raw_ratio', 'proof_hashes_at_1k', 'proof_p50_ms_at_1k', 'prove_by_event_id_ms_at_newest', 'consistency_proof_ms_at_newest', 'bundle_events', 'bundle_make_ms', 'bundle_verify_ms'];
    // The quick log holds 1,000 events: the larger trees are not grown.
    const larger = ['proof_hashes_at_10k', 'proof_hashes_at_100k', 'proof_bytes_at_100k', 'proof_p50_ms_at_10k', 'proof_p50_ms_at_100k', 'proof_p99_ms_at_100k'];
    expect(figureProblems(json, figures, larger)).toEqual([]);
    expect(json).toMatchObject({ bench: 'audit', quick: true });
    for (const key of rates) expect(json[key]).toBeGreaterThan(0);
    expect(json.proof_hashes_at_1k).toBeGreaterThan(0);
  }, AUDIT_MS + 10_000);

  it('bench:gateway finishes with every round serving requests', async () => {
    const json = lastJson(await runQuickBench('bench-gateway.ts', GATEWAY_MS));
    const rates = ['bare_req_per_s', 'req_per_s', 'uncached_req_per_s', 'uncached_req_per_s_onnx', 'sustained_req_per_s'];
    const figures = [...rates, 'p50_ms', 'p99_ms', 'ratio_vs_bare', 'uncached_p50_ms', 'uncached_p99_ms', 'uncached_ratio_vs_bare', 'uncached_p50_ms_onnx', 'uncached_p99_ms_onnx', 'uncached_ratio_vs_bare_onnx', 'uncached_onnx_vs_typescript_ratio', 'sustained_p99_ms', 'errors_count', 'round_s'];
    expect(figureProblems(json, figures)).toEqual([]);
    expect(json).toMatchObject({ bench: 'gateway', quick: true, round_s: 2 });
    for (const key of rates) expect(json[key]).toBeGreaterThan(0);
  }, GATEWAY_MS + 10_000);

  it('bench:pipeline finishes: every pipeline promoted, and the rollback measured', async () => {
    const run = await runQuickBench('bench-pipeline.ts', PIPELINE_MS);
    const json = lastJson(run);
    // The bench names the outcome of a pipeline that was not promoted.
    expect(run.stdout.split('\n').filter((line) => line.includes('not promoted'))).toEqual([]);
    const round = ['promoted_count', 'wall_s', 'pipelines_per_h', 'overhead_p50_ratio', 'overhead_p90_ratio', 'activity_p50_ms', 'idle_p50_ms'].map((k) => `n3_${k}`);
    const figures = [...round, 'throughput_requests_count', 'rollback_measured_count', 'rollback_reaction_min_ms', 'rollback_reaction_median_ms', 'rollback_reaction_max_ms', 'check_interval_ms', 'window_ms'];
    expect(figureProblems(json, figures)).toEqual([]);
    expect(json).toMatchObject({ bench: 'pipeline', quick: true, throughput_judge: 'thresholds', rollback_judge: 'statistical', n3_promoted_count: 3, rollback_measured_count: 1 });
    expect(json.n3_pipelines_per_h).toBeGreaterThan(0);
    expect(json.throughput_requests_count).toBeGreaterThan(0);
  }, PIPELINE_MS + 10_000);

  it('bench:aged finishes on a private database and leaves none behind', async () => {
    const run = await runQuickBench('bench-aged.ts', AGED_MS);
    const json = lastJson(run);
    const paths = ['rollout_check', 'monitor_check', 'approval_answer', 'champion_read', 'version_read', 'versions_list', 'report_read', 'audit_prove', 'audit_bundle', 'gateway_request'];
    const appends = ['audit_append_1_process_per_s', 'audit_append_8_processes_per_s'].flatMap((k) => [`${k}_empty`, `${k}_aged`]);
    const figures = [...paths.flatMap((p) => [`${p}_p50_ms_empty`, `${p}_p50_ms_aged`]), ...appends, 'worst_aged_ratio', 'audit_append_share_of_one_process', 'audit_verify_events_per_s', 'aged_events'];
    expect(figureProblems(json, figures)).toEqual([]);
    expect(json).toMatchObject({ bench: 'aged', quick: true });
    for (const key of [...appends, 'audit_verify_events_per_s', 'aged_events']) expect(json[key]).toBeGreaterThan(0);
    const client = await MongoClient.connect(process.env.MONGODB_URI!);
    try {
      const { databases } = await client.db().admin().listDatabases();
      // The bench names both of its databases after its process.
      const own = [`ms_bench_aged_quick_${run.pid}`, `ms_bench_fresh_${run.pid}`];
      expect(databases.map((d) => d.name).filter((n) => own.includes(n))).toEqual([]);
    } finally {
      await client.close();
    }
  }, AGED_MS + 10_000);
});
