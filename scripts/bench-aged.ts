/**
 * Hot paths on an empty stack and on one that has aged a year, in the same run: what each costs once history has
 * piled up. The aged database holds, for BENCH_AGED_MODELS models (20), the KPI documents two replicas leave after a
 * year under retention, an audit log of BENCH_AGED_EVENTS events (10^6) with its checkpoints, BENCH_AGED_VERSIONS
 * registered versions (10^4) with their transitions and champion moves, and their mails. It is loaded once through
 * the stores and kept between runs (BENCH_AGED_RELOAD=1 loads it again). A gateway replica runs on each database
 * for the gateway request. Prints a table, then one line of JSON.
 *
 *   npm run stack:start && npm run bench:aged
 *   npm run bench:aged -- --quick
 *
 * --quick ages a private database of this run (`ms_bench_aged_quick_<pid>`, dropped at the end with its files) by
 * one hour of KPIs instead of a year, at 1 model, 1,000 events and 40 versions, with 3 repeats and 1 s append rounds,
 * unless the variables above say otherwise: the same figures on a small history, to check that the benchmark runs.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Db } from 'mongodb';
import { createKpiActivities, readWindow } from '../activities/kpi-check';
import { judgeProduction } from '../activities/production-judge';
import { ensureAuditIndexes, generateNoteKeys, makeBundle, parseSignerKey, proveEvent, verifyAudit } from '../src/audit';
import { config } from '../src/config';
import { monitoringPolicySchema } from '../src/contracts/model-policy';
import { DEFAULT_JUDGE, kpiThresholdsSchema } from '../src/contracts/pipeline-spec';
import { connectMongo } from '../src/db';
import { recordSeconds } from '../src/kpis/record-seconds';
import { createRegistry, ensureIndexes, LISTED_VERSIONS } from '../src/registry';
import { storedFiles } from '../src/reports';
import { approvalAnswer } from './lib/bench-aged/approval';
import { loadAuditLog } from './lib/bench-aged/load-audit';
import { loadKpiYear, REPLICAS, YEAR_MS } from './lib/bench-aged/load-kpis';
import { loadRegistry } from './lib/bench-aged/load-registry';
import { gatewayRequest } from './lib/bench-aged/gateway-request';
import { liveTraffic } from './lib/bench-aged/live-traffic';
import { quickFlag, sizeFromEnv } from './lib/bench-size';
import { percentile } from './lib/percentile';

const QUICK = quickFlag();
const MODELS = sizeFromEnv('BENCH_AGED_MODELS', QUICK, { full: 20, quick: 1 });
/** A year of KPIs is some 136,000 documents per model, most of them the finest levels' last day. */
const KPI_SPAN_MS = QUICK ? 3_600_000 : YEAR_MS;
// The sealed deployment below is the third pipeline's, so the log needs at least three of 100 events.
const EVENTS = sizeFromEnv('BENCH_AGED_EVENTS', QUICK, { full: 1_000_000, quick: 1000 }, 300);
const VERSIONS = sizeFromEnv('BENCH_AGED_VERSIONS', QUICK, { full: 10_000, quick: 40 });
const REPEATS = sizeFromEnv('BENCH_AGED_REPEATS', QUICK, { full: 15, quick: 3 });
const APPEND_SECONDS = sizeFromEnv('BENCH_AGED_APPEND_SECONDS', QUICK, { full: 10, quick: 1 });
const WRITERS = 8;
/** The full run keeps its aged database between runs, since loading it takes long; a quick run owns its own. */
const AGED_DB = QUICK ? `ms_bench_aged_quick_${process.pid}` : 'modelship_bench_aged';
const ROOT = join(__dirname, '..');
const MODEL = 'm00';
/** A deployment of 100 events on either stack that nothing in the bench appends to, so both prove and bundle the same. */
const SEALED = '1.1.0';
/** Marks an aged database loaded to the end, so a run cut short loads it again. */
const LOADED = 'bench_aged_loaded';
/** Where the live traffic recorded on a kept database ends. */
const LIVE_UNTIL = 'bench_aged_live_until';

type Paths = Record<string, () => Promise<unknown>>;

async function timed(run: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await run();
  return performance.now() - t;
}

/**
 * The median time of a path on either stack, their runs interleaved (empty, aged, empty, ...) so that whatever the
 * machine does meanwhile weighs on both alike. One untimed run of each first.
 */
async function p50s(empty: () => Promise<unknown>, aged: () => Promise<unknown>): Promise<{ empty: number; aged: number }> {
  await empty();
  await aged();
  const times = { empty: [] as number[], aged: [] as number[] };
  for (let i = 0; i < REPEATS; i++) {
    times.empty.push(await timed(empty));
    times.aged.push(await timed(aged));
  }
  return { empty: percentile(times.empty, 0.5), aged: percentile(times.aged, 0.5) };
}

/** What one stack is asked on its hot paths, over the same live traffic on either stack. */
async function hotPaths(db: Db, nowMs: number, version: string): Promise<Paths> {
  const registry = createRegistry(db);
  const kpis = createKpiActivities(db);
  const thresholds = kpiThresholdsSchema.parse(undefined);
  const rolloutFrom = nowMs - 10 * 60_000;
  const checkTimes = Array.from({ length: 20 }, (_, i) => rolloutFrom + (i + 1) * 30_000);
  const policy = monitoringPolicySchema.parse({ thresholds: {} });
  return {
    rollout_check: () =>
      kpis.checkKpis({
        // A rollout of this run: a rollout's ledger holds the sums of its own ranges, and ranges move with the clock.
        ref: { pipelineId: `deploy-${MODEL}-2.0.0-${nowMs}`, model: MODEL, version: '2.0.0' },
        stage: { name: 'canary', kind: 'traffic', percent: 10 },
        candidate: '2.0.0',
        stable: '1.0.0',
        fromMs: nowMs - 30_000,
        toMs: nowMs,
        thresholds,
        judge: DEFAULT_JUDGE,
        stages: [{ label: 'canary', kind: 'traffic', percent: 10, fromMs: rolloutFrom, checkTimes }],
        kpis: ['success_vs_stable', 'errors_vs_stable', 'latency_vs_stable', 'error_rate_ceiling', 'latency_ceiling'],
      }),
    monitor_check: async () => {
      const window = await readWindow(db, MODEL, '1.0.0', nowMs - 300_000, nowMs);
      return judgeProduction(db, { model: MODEL, version: '1.0.0', fromMs: nowMs - 300_000, toMs: nowMs, policy }, window);
    },
    approval_answer: await approvalAnswer(db, benchFolder(db), MODEL, version),
    champion_read: () => registry.getAlias(MODEL, 'champion'),
    version_read: () => registry.getVersion(MODEL, version),
    versions_list: () => registry.listVersions(MODEL),
    report_read: () => storedFiles(db, 'report', `deploy-${MODEL}-${version}`),
    audit_prove: () => proveEvent(db, `deploy-${MODEL}-${SEALED}:step-3`),
    audit_bundle: () => makeBundle(db, MODEL, SEALED),
  };
}

/** Appends per second from `writers` separate processes, each with its own connection and audit log, started together. */
async function appendRate(dbName: string, writers: number): Promise<number> {
  const children = Array.from({ length: writers }, (_, w) =>
    // Node with tsx's loader, not the tsx command, which would start a second process per writer.
    spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts/lib/bench-aged/append-worker.ts'), config().MONGODB_URI, dbName, `w${w}-${writers}-${Date.now()}`, String(APPEND_SECONDS * 1000)], { stdio: ['pipe', 'pipe', 'inherit'] }),
  );
  const lines = children.map((child) => {
    const out: string[] = [];
    let waiting: (() => void) | null = null;
    child.stdout.on('data', (d: Buffer) => {
      out.push(...d.toString().split('\n').filter(Boolean));
      waiting?.();
    });
    const next = async (): Promise<string> => {
      while (out.length === 0) {
        if (child.exitCode !== null) throw new Error(`append worker exited ${child.exitCode}`);
        await new Promise<void>((resolve) => (waiting = resolve));
      }
      return out.shift()!;
    };
    return next;
  });
  await Promise.all(lines.map((next) => next()));
  children.forEach((child) => child.stdin.write('go\n'));
  const counts = await Promise.all(lines.map(async (next) => Number(await next())));
  return counts.reduce((a, b) => a + b, 0) / APPEND_SECONDS;
}

/** Files of one bench database (checkpoint copies, the bench admin's key), kept with it. */
const benchFolder = (db: Db) => join(ROOT, '.data/bench-aged', db.databaseName);

async function prepare(db: Db, aged: boolean, nowMs: number): Promise<string> {
  await ensureIndexes(db);
  await ensureAuditIndexes(db);
  const keys = generateNoteKeys('bench.modelship.local/aged');
  const folder = benchFolder(db);
  const loaded = aged && (await db.collection(LOADED).findOne({}));
  if (!loaded) rmSync(folder, { recursive: true, force: true });
  mkdirSync(folder, { recursive: true });
  if (aged && !loaded) {
    const t = performance.now();
    let kpiDocs = 0;
    for (let m = 0; m < MODELS; m++) kpiDocs += await loadKpiYear(db, `m${String(m).padStart(2, '0')}`, '1.0.0', nowMs, KPI_SPAN_MS);
    console.log(`aged stack: ${kpiDocs} KPI documents (${((performance.now() - t) / 1000).toFixed(0)} s)`);
    const versions = await loadRegistry(db, { models: MODELS, versions: VERSIONS });
    console.log(`aged stack: ${versions} versions (${((performance.now() - t) / 1000).toFixed(0)} s)`);
    const events = await loadAuditLog(db, { pipelines: Math.ceil(EVENTS / 100), perPipeline: 100, models: MODELS, signer: parseSignerKey(keys.skey), folder });
    console.log(`aged stack: ${events} audit events (${((performance.now() - t) / 1000).toFixed(0)} s)`);
    await db.collection(LOADED).insertOne({ at: new Date(), models: MODELS, events, versions });
  }
  if (!aged) {
    // One page of `models show`: the listing is then the same on either stack.
    await loadRegistry(db, { models: 1, versions: LISTED_VERSIONS });
    await loadAuditLog(db, { pipelines: 2, perPipeline: 100, models: 1, signer: parseSignerKey(keys.skey), folder });
  }
  // A kept database already holds the seconds an earlier run recorded: a replica writes each second once, so only
  // the seconds since are recorded (recorded again, each slot's sample of users would grow with every run).
  const live = db.collection<{ _id: string; endMs: number }>(LIVE_UNTIL);
  const recordedUntil = (await live.findOne({ _id: MODEL }))?.endMs ?? -Infinity;
  const seconds = liveTraffic(MODEL, nowMs).filter((s) => s.start >= recordedUntil);
  for (const replica of REPLICAS) await recordSeconds(db, replica, seconds, nowMs);
  if (seconds.length > 0) await live.updateOne({ _id: MODEL }, { $set: { endMs: seconds[seconds.length - 1]!.start + 1000 } }, { upsert: true });
  return '1.0.0';
}

async function main(): Promise<void> {
  const env = config();
  const nowMs = Date.now();
  const emptyName = `ms_bench_fresh_${process.pid}`;
  const mongo = await connectMongo(env, AGED_DB);
  const empty = mongo.client.db(emptyName);
  const aged = mongo.db;
  try {
    if (process.env.BENCH_AGED_RELOAD) await aged.dropDatabase();
    const results: Record<string, { empty: number; aged: number }> = {};
    const gateways: Awaited<ReturnType<typeof gatewayRequest>>[] = [];
    try {
      const paths: Record<'empty' | 'aged', Paths> = { empty: {}, aged: {} };
      for (const [name, db] of [['empty', empty], ['aged', aged]] as const) {
        const version = await prepare(db, name === 'aged', nowMs);
        const gateway = await gatewayRequest(db);
        gateways.push(gateway);
        paths[name] = { ...(await hotPaths(db, nowMs, version)), gateway_request: gateway.run };
      }
      for (const path of Object.keys(paths.empty)) results[path] = await p50s(paths.empty[path]!, paths.aged[path]!);
    } finally {
      for (const gateway of gateways) gateway.stop();
    }
    const rates: Record<string, number> = {};
    for (const [name, db] of [['empty', emptyName], ['aged', AGED_DB]] as const) {
      rates[`audit_append_1_process_per_s_${name}`] = await appendRate(db, 1);
      rates[`audit_append_${WRITERS}_processes_per_s_${name}`] = await appendRate(db, WRITERS);
    }
    const verifyStart = performance.now();
    const verified = await verifyAudit(aged, {});
    const verifyRate = verified.checked / ((performance.now() - verifyStart) / 1000);

    console.log(`\n${'path'.padEnd(16)} ${'p50 empty ms'.padStart(13)} ${'p50 aged ms'.padStart(12)} ${'aged/empty'.padStart(11)}`);
    const figures: Record<string, number> = {};
    let worst = 0;
    for (const [path, r] of Object.entries(results)) {
      const ratio = r.aged / r.empty;
      worst = Math.max(worst, ratio);
      console.log(`${path.padEnd(16)} ${r.empty.toFixed(2).padStart(13)} ${r.aged.toFixed(2).padStart(12)} ${ratio.toFixed(2).padStart(11)}`);
      figures[`${path}_p50_ms_empty`] = Number(r.empty.toFixed(3));
      figures[`${path}_p50_ms_aged`] = Number(r.aged.toFixed(3));
    }
    const appendShare = rates[`audit_append_${WRITERS}_processes_per_s_aged`]! / rates.audit_append_1_process_per_s_aged!;
    console.log(`\naudit appends per second: ${Object.entries(rates).map(([k, v]) => `${k} ${v.toFixed(0)}`).join(', ')}`);
    console.log(`${WRITERS} processes on the aged stack reach ${(100 * appendShare).toFixed(0)}% of one process's rate`);
    console.log(`audit verify: ${verified.checked} events at ${verifyRate.toFixed(0)} events/s, ${verified.ok ? 'intact' : 'BROKEN'}`);
    console.log(
      JSON.stringify({
        bench: 'aged',
        quick: QUICK,
        ...figures,
        worst_aged_ratio: Number(worst.toFixed(3)),
        ...Object.fromEntries(Object.entries(rates).map(([k, v]) => [k, Number(v.toFixed(1))])),
        audit_append_share_of_one_process: Number(appendShare.toFixed(3)),
        audit_verify_events_per_s: Number(verifyRate.toFixed(0)),
        aged_events: verified.checked,
      }),
    );
  } finally {
    await empty.dropDatabase().catch(() => undefined);
    rmSync(benchFolder(empty), { recursive: true, force: true });
    if (QUICK) {
      await aged.dropDatabase().catch(() => undefined);
      rmSync(benchFolder(aged), { recursive: true, force: true });
    }
    await mongo.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
