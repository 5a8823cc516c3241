/**
 * Pipeline benchmark: N concurrent pipelines (one distinct model each) on the local Temporal dev server, with 1 s
 * monitoring windows judged by the thresholds judge over live traffic, and approval signalled by the harness as soon
 * as a pipeline awaits it; then a small set of candidates that fail every request, with a 2 s window, live traffic
 * and the default (statistical) judge, to time rollback reactions. Why the throughput rounds name the thresholds
 * judge: docs/bench-pipeline.md.
 *
 *   tsx scripts/bench-pipeline.ts [--n 1,10,50] [--warmup 10] [--rollbacks 5] [--max-activities 200] [--max-wft 40]
 *        [--max-cached 1000] [--workflow-threads 2] [--quick]
 *
 * --quick: one round of 3 pipelines, no warm-up round and 1 rollback (unless those flags are given), to check that
 * the benchmark runs end to end.
 *
 * A warm-up round runs first and is reported apart: a fresh worker compiles its code paths, opens its database
 * connections and loads the workflow bundle during its first pipelines, a cost a long-running worker pays once.
 * A pipeline's end-to-end time is its workflow's start-to-close as the server recorded it.
 *
 * Needs the local stack (Temporal, FerretDB, MailDev). Uses a fresh database (dropped at the end), a unique task
 * queue, one gateway replica process and one in-process worker built with the same parameters as
 * src/worker/create-worker.ts plus the tuning options above. The last line is JSON.
 */
import { randomBytes } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Client, WorkflowHandle } from '@temporalio/client';
import type { Db } from 'mongodb';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { createActivities } from '../activities';
import { AUDIT_EVENTS, createAuditLog } from '../src/audit';
import { startPipeline } from '../src/client/start-pipeline';
import { config } from '../src/config';
import { approveSignal, statusQuery, type KpiCheck } from '../src/contracts/messages';
import { rolloutSchema } from '../src/contracts/pipeline-spec';
import { monitorWorkflowId } from '../src/contracts/monitoring';
import { OutcomeKey, PipelineStageKey } from '../src/contracts/search-attributes';
import { connectMongo } from '../src/db';
import { buildHeldOut, encodeArtifact, generateSynthetic, leaveLastNSplit, toCsvBytes, trainAls } from '../src/models';
import { createMailer } from '../src/notify';
import { createRegistry, ensureIndexes, registerArtifact, uploadDataset, type Registry } from '../src/registry';
import { createRouteStore, ensureRoutingIndexes, ROUTE_HISTORY } from '../src/routing';
import type { RouteHistoryDoc } from '../src/contracts/routes';
import { connectClient, temporalConnectionOptions } from '../src/temporal';
import { WORKFLOWS_PATH } from '../src/worker/create-worker';
import { startGateway } from '../test/support/gateway-process';
import { createActivityTimer } from './lib/bench-pipeline/activity-timing';
import { armUsers, stageTraffic } from './lib/bench-pipeline/stage-traffic';

const CHECK_INTERVAL_MS = 200;
const GOAL_PER_HOUR = 1000;
const GOAL_OVERHEAD = 1.3;
const GOAL_REACTION_MS = CHECK_INTERVAL_MS + 1000;
/** The throughput rounds' window and bake: the shortest that holds a whole KPI second of traffic. */
const WINDOW_MS = 1000;
/** The statistical judge would need thousands of requests per stage to prove an identical candidate no worse. */
const THROUGHPUT_JUDGE = 'thresholds';
/**
 * The candidate ranks as fast as stable: what its p99 shows here is how busy the machine is, with fifty pipelines,
 * their checks and the traffic on two shared cores. A rollback for it would stop a round, not measure it.
 */
const THROUGHPUT_MAX_P99_MS = 10_000;
/** The scenario gate's latency budget: its scoring is timed in the worker, which shares the same cores. */
const SCENARIO_BUDGET_P99_MS = 1000;
/** One request per model every this many ms, after the last answer, while its pipeline runs. */
const TRAFFIC_PAUSE_MS = 100;

const { values: args } = parseArgs({
  options: {
    n: { type: 'string' },
    warmup: { type: 'string' },
    rollbacks: { type: 'string' },
    quick: { type: 'boolean', default: false },
    'max-activities': { type: 'string', default: '200' },
    'max-wft': { type: 'string', default: '40' },
    'max-cached': { type: 'string', default: '1000' },
    'wft-polls': { type: 'string', default: '0' },
    'activity-polls': { type: 'string', default: '0' },
    'workflow-threads': { type: 'string', default: '2' },
  },
});
const quick = args.quick === true;
const rounds = (args.n ?? (quick ? '3' : '1,10,50')).split(',').map((s) => Number(s.trim())).filter((n) => n > 0);
const warmup = Number(args.warmup ?? (quick ? '0' : '10'));
const rollbackCount = Number(args.rollbacks ?? (quick ? '1' : '5'));
for (const [flag, v] of [['--warmup', warmup], ['--rollbacks', rollbackCount]] as const) {
  if (!Number.isInteger(v) || v < 0) throw new Error(`${flag} must be a whole number of at least 0`);
}
if (rounds.length === 0) throw new Error('--n must list at least one pipeline count above 0, e.g. 1,10,50');
/** A worker option given as 0 is left to the SDK default. */
const workerOptions = Object.fromEntries(
  Object.entries({
    maxConcurrentActivityTaskExecutions: Number(args['max-activities']),
    maxConcurrentWorkflowTaskExecutions: Number(args['max-wft']),
    maxCachedWorkflows: Number(args['max-cached']),
    maxConcurrentWorkflowTaskPolls: Number(args['wft-polls']),
    maxConcurrentActivityTaskPolls: Number(args['activity-polls']),
    workflowThreadPoolSize: Number(args['workflow-threads']),
  }).filter(([, v]) => v > 0),
);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const data = generateSynthetic({ users: 300, items: 400, seed: 11 });
const split = leaveLastNSplit(data, 5);
const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(q * s.length))] : NaN;
};

interface Artifacts {
  stable: Buffer;
  candidate: Buffer;
  faulty: Buffer;
}

/** Registers a model with a stable 1.0.0 (champion, routed as stable) and a candidate 1.1.0, so pipelines run staged. */
async function prepareModel(registry: Registry, routes: ReturnType<typeof createRouteStore>, model: string, trainRef: string, candidate: Buffer, stable: Buffer) {
  await registry.createModel({ name: model, owner: 'team-reco', actor: 'user:bench' });
  const meta = { trainingDataVersion: trainRef, hyperparameters: { factors: 16 }, codeVersion: 'bench', metrics: {} };
  const v1 = await registerArtifact(registry, { model, version: '1.0.0', bytes: stable, metadata: meta, createdBy: 'user:bench' });
  await registerArtifact(registry, { model, version: '1.1.0', bytes: candidate, metadata: meta, createdBy: 'user:bench' });
  await registry.moveAlias({ model, alias: 'champion', to: '1.0.0', expected: null, actor: 'user:bench', reason: 'bench setup' });
  await routes.apply({
    model,
    key: `${model}:bench-setup`,
    actor: 'user:bench',
    reason: 'bench setup',
    spec: { stable: { version: '1.0.0', sha256: v1.artifact.sha256 }, candidate: null, shadow: null, killSwitch: 'off' },
  });
}

interface Row {
  n: number;
  wallMs: number;
  perHour: number;
  ok: number;
  overheadP50: number;
  overheadP90: number;
  activityP50: number;
  e2eP50: number;
  /** End-to-end time (approval wait excluded) during which none of the pipeline's activities ran. */
  idleP50: number;
}

interface Run {
  handle: WorkflowHandle;
  /** Part of every step key of the run (workflows/pipeline/step-key.ts). */
  runId: string;
  /** When the harness received the result. */
  endedAt: number;
  /** The workflow's start-to-close on the server's clock. */
  e2eMs: number;
  outcome: string;
  lastCheck: KpiCheck | null;
}

/** Every pipeline the benchmark started: those still running when it stops are terminated. */
const started: WorkflowHandle[] = [];

/**
 * Fails as soon as one of the pipelines waits for a person (a window ended without the evidence its judge needs):
 * such a pipeline would hold the benchmark forever. Read from the audit log, which costs the worker nothing.
 */
async function failOnPause(db: Db, ids: string[], done: AbortSignal): Promise<never | void> {
  while (!done.aborted) {
    const paused = await db.collection(AUDIT_EVENTS).findOne({ type: 'rollout.awaiting_decision', pipelineId: { $in: ids } });
    if (paused) throw new Error(`pipeline ${paused.pipelineId} paused for a person at ${paused.evidence?.stage}: its window ended without the evidence its judge needs`);
    await sleep(1000);
  }
}

/** Starts each spec, signals approval as soon as its status says awaiting_approval, and waits for every result. */
async function runPipelines(client: Client, taskQueue: string, specs: Record<string, unknown>[], db: Db): Promise<Run[]> {
  const handles = await Promise.all(specs.map(async (spec) => (await startPipeline(client, spec, taskQueue)).handle));
  started.push(...handles);
  const done = new AbortController();
  const watch = failOnPause(db, handles.map((h) => h.workflowId), done.signal);
  const all = Promise.all(
    handles.map(async (handle) => {
      // The stage search attribute comes from the server alone; a status query would cost the worker an activation.
      for (;;) {
        const { typedSearchAttributes } = await handle.describe();
        const stage = typedSearchAttributes.get(PipelineStageKey);
        if (stage === 'awaiting_approval') {
          await handle.signal(approveSignal, { approver: 'bob', comment: 'bench' });
          break;
        }
        if (typedSearchAttributes.get(OutcomeKey) !== 'running') break;
        await sleep(100);
      }
      const outcome = await handle.result().then(
        (r: { outcome?: string }) => r?.outcome ?? 'done',
        (err: Error & { cause?: Error }) => `failed: ${(err.cause?.message ?? err.message).slice(0, 80)}`,
      );
      const endedAt = Date.now();
      const { startTime, closeTime, runId } = await handle.describe();
      const lastCheck = await handle.query(statusQuery).then((s) => s.lastCheck, () => null);
      return { handle, runId, endedAt, e2eMs: (closeTime?.getTime() ?? NaN) - startTime.getTime(), outcome, lastCheck };
    }),
  );
  try {
    return await Promise.race([all, watch.then(() => all)]);
  } finally {
    done.abort();
  }
}

async function main(): Promise<string> {
  // The worker's INFO lines would land after the report, and each breach is logged as a WARN; errors still show.
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const base = config();
  const tag = randomBytes(4).toString('hex');
  const env = { ...base, TEMPORAL_TASK_QUEUE: `bench-pipeline-${tag}` };
  const dbName = `ms_bench_pipeline_${tag}`;
  const reportsDir = mkdtempSync(join(tmpdir(), 'modelship-bench-pipeline-'));
  const mongo = await connectMongo(env, dbName);
  const db = mongo.db;
  const mailer = createMailer(env);
  const traffic = new AbortController();
  setMaxListeners(0, traffic.signal);
  let gateway: Awaited<ReturnType<typeof startGateway>> | null = null;
  let worker: Worker | null = null;
  let running: Promise<void> | null = null;
  let client: Client | null = null;
  const benchModels: string[] = [];
  try {
    await ensureIndexes(db);
    await ensureRoutingIndexes(db);
    const registry = createRegistry(db);
    const routes = createRouteStore(db);
    const trainRef = await uploadDataset(registry, toCsvBytes(split.train));
    const validationRef = await uploadDataset(registry, toCsvBytes(split.test));
    const artifacts: Artifacts = {
      stable: encodeArtifact(trainAls(split.train, { factors: 16, iterations: 6, seed: 1 })),
      candidate: encodeArtifact(trainAls(split.train, { factors: 16, iterations: 6, seed: 2 })),
      faulty: encodeArtifact(trainAls(split.train, { factors: 16, iterations: 6, seed: 3, faults: { failureRate: 1 } })),
    };

    gateway = await startGateway({ MONGODB_URI: env.MONGODB_URI, MONGODB_DB: dbName, GATEWAY_POLL_MS: '100', GATEWAY_KPI_FLUSH_MS: '250' }, `bench-${tag}`);
    const connection = await NativeConnection.connect(temporalConnectionOptions(env));
    const timer = createActivityTimer();
    const temporal = await connectClient(env);
    client = temporal;
    worker = await Worker.create({
      connection,
      namespace: env.TEMPORAL_NAMESPACE,
      taskQueue: env.TEMPORAL_TASK_QUEUE,
      workflowsPath: WORKFLOWS_PATH,
      activities: createActivities({ db, mailer, auditLog: createAuditLog(db), reportsDir, replicaStaleMs: 3000, allowUnsigned: true, temporal: { client: temporal, taskQueue: env.TEMPORAL_TASK_QUEUE } }),
      interceptors: { activity: [timer.interceptor] },
      ...workerOptions,
    });
    running = worker.run();

    const spec = (model: string, version: string, rollout: Record<string, unknown>, thresholds: Record<string, unknown>) => ({
      specVersion: 1,
      model,
      version,
      submitter: 'alice',
      datasets: { train: trainRef, validation: validationRef },
      gates: { validation: { maxRegression: 0.5 }, scenarios: { latencyBudgetP99Ms: SCENARIO_BUDGET_P99_MS } },
      approval: { approvers: ['bob'], requireSignatures: false },
      rollout: { checkInterval: `${CHECK_INTERVAL_MS}ms`, confirmTimeout: '15s', ...rollout, thresholds: { minRequests: 5, maxP99Ms: 250, minSuccessRatio: 0, ...thresholds } },
      notify: { recipients: [`ops-${tag}@example.test`] },
    });

    // Throughput rounds: the default stages, each window 1 s, with traffic on both arms of every model.
    const userIds = buildHeldOut(split.train, split.test).map((c) => c.userId);
    const stages = rolloutSchema.parse(undefined).stages;
    const trafficShares = stages.filter((s) => s.kind === 'traffic' && s.percent < 100).map((s) => s.percent);
    /** The time the windows are set to wait, excluded from the overhead as the approval wait is. */
    const windowsMs = (stages.length + 1) * WINDOW_MS;
    let modelSeq = 0;
    let requestsSent = 0;
    const throughputRound = async (n: number): Promise<Row> => {
      const models = Array.from({ length: n }, () => `bench-${tag}-${modelSeq++}`);
      benchModels.push(...models);
      for (const m of models) await prepareModel(registry, routes, m, trainRef, artifacts.candidate, artifacts.stable);
      const specs = models.map((m) => spec(m, '1.1.0', { window: `${WINDOW_MS}ms`, bake: `${WINDOW_MS}ms`, judge: THROUGHPUT_JUDGE }, { maxP99Ms: THROUGHPUT_MAX_P99_MS }));
      const roundTraffic = new AbortController();
      setMaxListeners(0, roundTraffic.signal);
      const loops = models.map((m) => stageTraffic(gateway!.url, m, armUsers(m, userIds, Math.min(...trafficShares), Math.max(...trafficShares)), TRAFFIC_PAUSE_MS, roundTraffic.signal));
      const t0 = Date.now();
      const runs = await runPipelines(temporal, env.TEMPORAL_TASK_QUEUE, specs, db).finally(() => roundTraffic.abort());
      const wallMs = Math.max(...runs.map((r) => r.endedAt)) - t0;
      requestsSent += (await Promise.all(loops)).reduce((a, b) => a + b, 0);
      const figures = await Promise.all(runs.map((r) => timer.timing(r.handle)));
      const waitedMs = (i: number) => figures[i].approvalWaitMs + windowsMs;
      const ratios = runs.map((r, i) => (r.e2eMs - waitedMs(i)) / figures[i].activityMs);
      const ok = runs.filter((r) => r.outcome === 'promoted').length;
      const bad = runs.filter((r) => r.outcome !== 'promoted');
      if (bad.length) console.log(`N=${n}: ${bad.length} not promoted, e.g. ${bad[0].outcome}`);
      return {
        n,
        wallMs,
        perHour: (n / wallMs) * 3_600_000,
        ok,
        overheadP50: quantile(ratios, 0.5),
        overheadP90: quantile(ratios, 0.9),
        activityP50: quantile(figures.map((f) => f.activityMs), 0.5),
        e2eP50: quantile(runs.map((r, i) => r.e2eMs - waitedMs(i)), 0.5),
        idleP50: quantile(runs.map((r, i) => r.e2eMs - waitedMs(i) - figures[i].busyMs), 0.5),
      };
    };
    const warm = warmup > 0 ? await throughputRound(warmup) : null;
    const rows: Row[] = [];
    for (const n of rounds) rows.push(await throughputRound(n));

    // Rollback reactions: candidates that fail every request, with live traffic, breach at their first traffic stage.
    const reactions: number[] = [];
    let rollbackOutcomes: string[] = [];
    if (rollbackCount > 0) {
      const models = Array.from({ length: rollbackCount }, (_, i) => `bench-${tag}-rb${i}`);
      for (const m of models) await prepareModel(registry, routes, m, trainRef, artifacts.faulty, artifacts.stable);
      const cases = buildHeldOut(split.train, split.test);
      const loops = models.map(async (m) => {
        let u = 0;
        while (!traffic.signal.aborted) {
          const c = cases[u++ % cases.length];
          await fetch(`${gateway!.url}/v1/recommendations?model=${m}&user=${c.userId}`, { signal: traffic.signal }).then((r) => r.arrayBuffer(), () => undefined);
          await sleep(20);
        }
      });
      const specs = models.map((m) =>
        spec(
          m,
          '1.1.0',
          { window: '2s', bake: '2s', stages: [{ name: 'canary', kind: 'traffic', percent: 25 }, { name: 'full', kind: 'traffic', percent: 100 }] },
          { maxErrorRate: 0.05 },
        ),
      );
      const runs = await runPipelines(temporal, env.TEMPORAL_TASK_QUEUE, specs, db);
      traffic.abort();
      await Promise.all(loops);
      rollbackOutcomes = runs.map((r) => r.outcome);
      for (const r of runs) {
        const restore = await db
          .collection<RouteHistoryDoc>(ROUTE_HISTORY)
          .findOne({ changeKey: `${r.handle.workflowId}:${r.runId}:restore-route` });
        if (restore && r.lastCheck?.verdict === 'breach') reactions.push(new Date(restore.at).getTime() - Date.parse(r.lastCheck.to));
        else console.log(`rollback ${r.handle.workflowId}: no breach+restore found (${r.outcome}, last check ${r.lastCheck?.verdict ?? 'none'})`);
      }
    }

    // Report.
    console.log(`\npipelines on ${env.TEMPORAL_ADDRESS}, windows and bake ${WINDOW_MS} ms, check ${CHECK_INTERVAL_MS} ms, approval signalled by the harness${quick ? ', quick mode' : ''}`);
    console.log(`throughput rounds judged by the ${THROUGHPUT_JUDGE} judge (named in the spec): the default statistical judge needs thousands of`);
    console.log(`requests per stage to prove a candidate no worse, a rollout of many minutes (docs/bench-pipeline.md); ${requestsSent} requests sent to their gateway.`);
    console.log(`rollback candidates judged by the default (statistical) judge.`);
    console.log(`worker options (others SDK defaults): ${JSON.stringify(workerOptions)}; node ${process.version}; shared 2-core machine, numbers are noisy\n`);
    const header = ['N', 'promoted', 'wall s', 'pipelines/h', 'e2e-approval p50 ms', 'activity p50 ms', 'idle p50 ms', 'overhead p50', 'overhead p90'];
    const lines = [...(warm ? [warm] : []), ...rows].map((r) => [
      r === warm ? `${r.n} (warm-up, not counted)` : String(r.n),
      `${r.ok}/${r.n}`,
      (r.wallMs / 1000).toFixed(1),
      r.perHour.toFixed(0),
      r.e2eP50.toFixed(0),
      r.activityP50.toFixed(0),
      r.idleP50.toFixed(0),
      r.overheadP50.toFixed(2),
      r.overheadP90.toFixed(2),
    ]);
    const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
    const format = (cells: string[]) => cells.map((c, i) => c.padStart(widths[i])).join('  ');
    console.log(format(header));
    for (const line of lines) console.log(format(line));
    console.log('activity: Σ of the activity times, overlapping steps counted in full; idle: end-to-end time with none running;');
    console.log(`overhead: end-to-end ÷ activity, so steps that overlap can take it below 1. Approval wait and the windows' ${windowsMs / 1000} s excluded throughout.`);
    const best = rows.length ? Math.max(...rows.map((r) => r.perHour)) : NaN;
    const worstP50 = rows.length ? Math.max(...rows.map((r) => r.overheadP50)) : NaN;
    console.log(`\ngoal ≥ ${GOAL_PER_HOUR} pipelines/h: best ${best.toFixed(0)} → ${best >= GOAL_PER_HOUR ? 'met' : 'MISSED'}`);
    console.log(`goal overhead ≤ ${GOAL_OVERHEAD}: worst p50 ${worstP50.toFixed(2)} → ${worstP50 <= GOAL_OVERHEAD ? 'met' : 'MISSED'}`);
    const rMin = reactions.length ? Math.min(...reactions) : NaN;
    const rMax = reactions.length ? Math.max(...reactions) : NaN;
    const rMed = quantile(reactions, 0.5);
    if (rollbackCount > 0) {
      console.log(`rollback reaction (breaching check 'to' → restore-route row), ${reactions.length}/${rollbackCount} measured, outcomes ${[...new Set(rollbackOutcomes)].join('; ')}`);
      console.log(`  min ${rMin.toFixed(0)} ms  median ${rMed.toFixed(0)} ms  max ${rMax.toFixed(0)} ms; goal ≤ ${GOAL_REACTION_MS} ms → ${rMax <= GOAL_REACTION_MS ? 'met' : 'MISSED'}`);
    }

    const round = (x: number, d = 2) => (Number.isFinite(x) ? Number(x.toFixed(d)) : null);
    const json: Record<string, unknown> = {
      bench: 'pipeline',
      quick,
      throughput_judge: THROUGHPUT_JUDGE,
      rollback_judge: 'statistical',
      check_interval_ms: CHECK_INTERVAL_MS,
      window_ms: WINDOW_MS,
      throughput_requests_count: requestsSent,
      worker_max_activities_count: workerOptions.maxConcurrentActivityTaskExecutions ?? null,
      worker_max_wft_count: workerOptions.maxConcurrentWorkflowTaskExecutions ?? null,
      worker_max_cached_count: workerOptions.maxCachedWorkflows ?? null,
      worker_wft_polls_count: workerOptions.maxConcurrentWorkflowTaskPolls ?? null,
      worker_activity_polls_count: workerOptions.maxConcurrentActivityTaskPolls ?? null,
      worker_workflow_threads_count: workerOptions.workflowThreadPoolSize ?? null,
    };
    for (const r of rows) {
      json[`n${r.n}_promoted_count`] = r.ok;
      json[`n${r.n}_wall_s`] = round(r.wallMs / 1000, 2);
      json[`n${r.n}_pipelines_per_h`] = Math.round(r.perHour);
      json[`n${r.n}_overhead_p50_ratio`] = round(r.overheadP50);
      json[`n${r.n}_overhead_p90_ratio`] = round(r.overheadP90);
      json[`n${r.n}_activity_p50_ms`] = Math.round(r.activityP50);
      json[`n${r.n}_idle_p50_ms`] = Math.round(r.idleP50);
    }
    if (warm) {
      json.warmup_count = warm.n;
      json.warmup_overhead_p50_ratio = round(warm.overheadP50);
    }
    json.rollback_measured_count = reactions.length;
    json.rollback_reaction_min_ms = round(rMin, 0);
    json.rollback_reaction_median_ms = round(rMed, 0);
    json.rollback_reaction_max_ms = round(rMax, 0);
    json.rollback_reaction_goal_ms = GOAL_REACTION_MS;
    return JSON.stringify(json);
  } finally {
    traffic.abort();
    // Each promotion started a monitor for its model; they end with the benchmark, as does a pipeline cut short.
    for (const handle of started) await handle.terminate('benchmark finished').catch(() => undefined);
    for (const model of benchModels) await client?.workflow.getHandle(monitorWorkflowId(model)).terminate('benchmark finished').catch(() => undefined);
    worker?.shutdown();
    await running?.catch(() => undefined);
    await client?.connection.close().catch(() => undefined);
    await gateway?.stop();
    mailer.close();
    await db.dropDatabase().catch(() => undefined);
    await mongo.close();
    rmSync(reportsDir, { recursive: true, force: true });
  }
}

main().then(
  (json) => console.log(json), // the last line, after the worker and gateway have stopped
  (err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  },
);
