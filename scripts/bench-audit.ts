/**
 * Audit-log and artifact-store throughput against the configured MongoDB-wire server (FerretDB locally), with the
 * Merkle tree and its signed checkpoints: appends, proofs at 10^3, 10^4 and 10^5 events, and bundle verification.
 * Each phase runs in a fresh temporary database, dropped at the end. Prints a table, then one line of JSON with every
 * figure (keys carry their units).
 *
 *   npm run bench:audit      # BENCH_SEQ_APPENDS, BENCH_CONCURRENT_APPENDS, BENCH_SEPARATE_APPENDS, BENCH_TREE_EVENTS
 *                            # resize the phases
 *   npm run bench:audit -- --quick   # 300, 300, 48 and 1,000 events unless those are set: proofs at 10^3 only
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Db } from 'mongodb';
import {
  AuditLog,
  Checkpointer,
  createAuditLog,
  eventLeaf,
  generateNoteKeys,
  makeBundle,
  parseSignerKey,
  proveEvent,
  parseVerifierKey,
  verifyBundle,
  type AuditEventInput,
  type StoredAuditEvent,
} from '../src/audit';
import { checkpointOfSize, proveConsistency, proveLeaves } from '../src/audit/checkpoints/proofs';
import { leafHash } from '../src/audit/merkle/tree-hash';
import { quickFlag, sizeFromEnv } from './lib/bench-size';
import { percentile } from './lib/percentile';
import { config } from '../src/config';
import { connectMongo, type Mongo } from '../src/db';
import { createRegistry, ensureIndexes } from '../src/registry';

const QUICK = quickFlag();
const SEQ_APPENDS = sizeFromEnv('BENCH_SEQ_APPENDS', QUICK, { full: 3000, quick: 300 });
const CONCURRENT_APPENDS = sizeFromEnv('BENCH_CONCURRENT_APPENDS', QUICK, { full: 3000, quick: 300 });
const SEPARATE_APPENDS = sizeFromEnv('BENCH_SEPARATE_APPENDS', QUICK, { full: 240, quick: 48 });
const TREE_EVENTS = sizeFromEnv('BENCH_TREE_EVENTS', QUICK, { full: 100_000, quick: 1000 });
const WRITERS = 8;
const PIPELINES = 8;
const keys = generateNoteKeys('bench.modelship.local/audit');
const signer = parseSignerKey(keys.skey);
const verifier = parseVerifierKey(keys.vkey);
const folder = mkdtempSync(join(tmpdir(), 'modelship-bench-audit-'));

/** An audit log as a worker runs it: checkpoints every 1000 events (the default), kept in the database and a folder. */
function treeLog(db: Db): AuditLog {
  return new AuditLog(db, { checkpointer: new Checkpointer(db, { signer, folder: join(folder, db.databaseName) }) });
}

function event(run: string, i: number): AuditEventInput {
  const pipelineId = `bench-${run}-${i % PIPELINES}`;
  return {
    eventId: `${pipelineId}:step-${i}`,
    type: 'pipeline.step_completed',
    actor: 'service:bench',
    subject: { model: 'recs-bench', version: '1.0.0' },
    pipelineId,
    outcome: 'success',
    evidence: { step: i, metrics: { auc: 0.81, ndcg_at_10: 0.42 }, note: 'synthetic benchmark event' },
    source: 'scripts/bench-audit',
  };
}

function round(value: number | undefined): number | null {
  return value === undefined ? null : Number(value.toFixed(2));
}

async function seconds(fn: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e9;
}

const databases: Mongo[] = [];
async function freshDb(): Promise<Db> {
  const mongo = await connectMongo(config(), `ms_bench_audit_${randomBytes(4).toString('hex')}`);
  databases.push(mongo);
  await ensureIndexes(mongo.db);
  return mongo.db;
}

async function warm(log: AuditLog): Promise<void> {
  for (let i = 0; i < 20; i++) await log.append(event('warm', i)); // server detection, JIT
}

/**
 * Sequential appends, interleaved in blocks with plain insertOne calls of the same document shape into a collection
 * with the same unique indexes: the server's single-writer floor at that moment, since the machine may be shared.
 */
async function sequential(): Promise<{ appends: number; rawInserts: number }> {
  const db = await freshDb();
  const log = treeLog(db);
  await warm(log);
  const template = await log.append(event('template', 0));
  const raw = db.collection<StoredAuditEvent>('raw_insert_baseline');
  await raw.createIndexes([
    { key: { pipelineId: 1, seq: 1 }, unique: true },
    { key: { globalSeq: 1 }, unique: true },
  ]);
  const blocks = 3;
  const size = Math.ceil(SEQ_APPENDS / blocks);
  let [appendSeconds, rawSeconds] = [0, 0];
  for (let b = 0; b < blocks; b++) {
    appendSeconds += await seconds(async () => {
      for (let i = b * size; i < (b + 1) * size; i++) await log.append(event('seq', i));
    });
    rawSeconds += await seconds(async () => {
      for (let i = b * size; i < (b + 1) * size; i++) await raw.insertOne({ ...template, _id: `raw-${i}`, eventId: `raw-${i}`, seq: i, globalSeq: i });
    });
  }
  return { appends: (blocks * size) / appendSeconds, rawInserts: (blocks * size) / rawSeconds };
}

/** WRITERS loops appending as fast as each append returns, sharing `count` events between them. */
async function concurrent(logs: AuditLog[], count: number): Promise<number> {
  let next = 0;
  const work = (log: AuditLog) => async () => {
    for (let i = next++; i < count; i = next++) await log.append(event('con', i));
  };
  return count / (await seconds(() => Promise.all(logs.map((log) => work(log)()))));
}

async function verifyRate(db: Db): Promise<{ rate: number; checked: number }> {
  let checked = 0;
  const took = await seconds(async () => {
    const report = await createAuditLog(db).verify();
    if (!report.ok) throw new Error(`bench: chain broken: ${JSON.stringify(report.firstBroken)}`);
    checked = report.checked;
  });
  return { rate: checked / took, checked };
}

async function ms(fn: () => Promise<unknown> | unknown): Promise<number> {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

interface ProofFigures {
  size: number;
  maxHashes: number;
  p50Ms: number;
  p99Ms: number;
}

/**
 * A log of TREE_EVENTS events grown with the tree, as 8 concurrent writers do; at 10^3, 10^4 and 10^5 events (each a
 * checkpoint), inclusion proofs of random events from the stored tiles: their size and time. One deployment's
 * pipeline is spread through the log for the bundle.
 */
async function proofs(): Promise<{ sizes: ProofFigures[]; lookupMs: number; consistencyMs: number; bundleMakeMs: number; bundleVerifyMs: number; bundleEvents: number; buildSeconds: number }> {
  const db = await freshDb();
  const checkpointer = new Checkpointer(db, { signer, folder: join(folder, db.databaseName) });
  const log = new AuditLog(db, { checkpointer });
  const targets = [1000, 10_000, 100_000].filter((n) => n <= TREE_EVENTS);
  const leaves: Buffer[] = [];
  let next = 0;
  let buildSeconds = 0;
  // Grown in steps that end at each measured size, checkpointed there on demand, besides every 1000 events.
  for (const target of [...targets, TREE_EVENTS]) {
    buildSeconds += await seconds(() =>
      Promise.all(
        Array.from({ length: WRITERS }, async () => {
          for (let i = next++; i < target; i = next++) {
            const deployment = i % 3000 === 7;
            const input = deployment ? { ...event('tree', i), eventId: `deploy-recs-bench-2.0.0:${i}`, pipelineId: 'deploy-recs-bench-2.0.0', subject: { model: 'recs-bench', version: '2.0.0' } } : event('tree', i);
            const stored = await log.append(input);
            leaves[stored.globalSeq - 1] = leafHash(eventLeaf(stored));
          }
        }),
      ),
    );
    next = target;
    await checkpointer.issue('on-demand');
  }
  const sizes: ProofFigures[] = [];
  for (const size of targets) {
    const head = await checkpointOfSize(db, size, verifier);
    const times: number[] = [];
    let maxHashes = 0;
    for (let k = 0; k < 30; k++) {
      const index = Math.floor(Math.random() * size);
      const took = await ms(async () => {
        const [p] = await proveLeaves(db, [{ index, leaf: leaves[index]! }], head);
        maxHashes = Math.max(maxHashes, p!.proof.length);
      });
      times.push(took);
    }
    sizes.push({ size, maxHashes, p50Ms: percentile(times, 0.5), p99Ms: percentile(times, 0.99) });
  }
  const newest = sizes[sizes.length - 1]!.size;
  const lookupMs = await ms(() => proveEvent(db, 'deploy-recs-bench-2.0.0:7', verifier));
  const consistencyMs = await ms(() => proveConsistency(db, Math.floor(newest / 10), newest, verifier));
  let bundle = { text: '', events: 0, size: 0 };
  const bundleMakeMs = await ms(async () => (bundle = await makeBundle(db, 'recs-bench', '2.0.0')));
  const verifyTimes: number[] = [];
  for (let k = 0; k < 20; k++) verifyTimes.push(await ms(() => verifyBundle(bundle.text, verifier)));
  return { sizes, lookupMs, consistencyMs, bundleMakeMs, bundleVerifyMs: percentile(verifyTimes, 0.5), bundleEvents: bundle.events, buildSeconds };
}

async function blobs(): Promise<{ upload: number; download: number }> {
  const { artifacts } = createRegistry(await freshDb());
  let [up, down, bytes] = [0, 0, 0];
  for (const blob of [10, 2.5].map((mb) => randomBytes(mb * 1024 * 1024))) {
    const sha256 = createHash('sha256').update(blob).digest('hex');
    up += await seconds(() => artifacts.put(blob, { sha256 }));
    down += await seconds(async () => {
      if (!(await artifacts.read(sha256)).equals(blob)) throw new Error('bench: downloaded bytes differ');
    });
    bytes += blob.length;
  }
  const mb = bytes / (1024 * 1024);
  return { upload: mb / up, download: mb / down };
}

async function main(): Promise<void> {
  const seq = await sequential();
  const sharedDb = await freshDb();
  const shared = createAuditLog(sharedDb);
  await warm(shared);
  const sharedRate = await concurrent(Array.from({ length: WRITERS }, () => shared), CONCURRENT_APPENDS);
  const verified = await verifyRate(sharedDb);
  const separateDb = await freshDb();
  const separate = await concurrent(Array.from({ length: WRITERS }, () => createAuditLog(separateDb)), SEPARATE_APPENDS);
  if (!(await createAuditLog(separateDb).verify()).ok) throw new Error('bench: separate writers broke a chain');
  const blob = await blobs();
  const tree = await proofs();
  const at = (n: number) => tree.sizes.find((s) => s.size === n);

  const figures = {
    bench: 'audit',
    quick: QUICK,
    seq_appends_per_s: Math.round(seq.appends),
    seq_raw_inserts_per_s: Math.round(seq.rawInserts),
    seq_appends_vs_raw_ratio: Number((seq.appends / seq.rawInserts).toFixed(2)),
    concurrent8_appends_per_s: Math.round(sharedRate),
    concurrent8_separate_writers_appends_per_s: Math.round(separate),
    verify_events_per_s: Math.round(verified.rate),
    upload_mb_per_s: Number(blob.upload.toFixed(1)),
    download_mb_per_s: Number(blob.download.toFixed(1)),
    tree_build_appends_per_s: Math.round(TREE_EVENTS / tree.buildSeconds),
    proof_hashes_at_1k: at(1000)?.maxHashes ?? null,
    proof_hashes_at_10k: at(10_000)?.maxHashes ?? null,
    proof_hashes_at_100k: at(100_000)?.maxHashes ?? null,
    proof_bytes_at_100k: at(100_000) ? at(100_000)!.maxHashes * 32 : null,
    proof_p50_ms_at_1k: round(at(1000)?.p50Ms),
    proof_p50_ms_at_10k: round(at(10_000)?.p50Ms),
    proof_p50_ms_at_100k: round(at(100_000)?.p50Ms),
    proof_p99_ms_at_100k: round(at(100_000)?.p99Ms),
    prove_by_event_id_ms_at_newest: round(tree.lookupMs),
    consistency_proof_ms_at_newest: round(tree.consistencyMs),
    bundle_events: tree.bundleEvents,
    bundle_make_ms: round(tree.bundleMakeMs),
    bundle_verify_ms: round(tree.bundleVerifyMs),
  };
  const rows: [string, number | null, string][] = [
    ['audit appends with the tree, 1 writer, sequential', figures.seq_appends_per_s, `appends/s (${SEQ_APPENDS} events, checkpoint every 1000)`],
    ['  baseline: plain insertOne, same shape', figures.seq_raw_inserts_per_s, 'inserts/s (the server floor right now)'],
    ['  ratio to the plain insert', figures.seq_appends_vs_raw_ratio, 'x'],
    ['audit appends, 8 concurrent writers, one AuditLog', figures.concurrent8_appends_per_s, `appends/s (${CONCURRENT_APPENDS} events, group commit)`],
    ['audit appends, 8 concurrent writers, 8 AuditLogs', figures.concurrent8_separate_writers_appends_per_s, `appends/s (${SEPARATE_APPENDS} events, as 8 processes)`],
    ['verify whole log', figures.verify_events_per_s, `events/s (${verified.checked} events, chains intact)`],
    ['artifact upload, 10 MB + 2.5 MB', figures.upload_mb_per_s, 'MB/s (sha256 verified, GridFS)'],
    ['artifact download, 10 MB + 2.5 MB', figures.download_mb_per_s, 'MB/s (sha256 verified before return)'],
  ];
  rows.push(['growing the tree to ' + TREE_EVENTS + ' events, 8 writers', figures.tree_build_appends_per_s, 'appends/s']);
  for (const f of tree.sizes) {
    rows.push([`inclusion proof at ${f.size} events`, f.maxHashes, `hashes at most (${f.maxHashes * 32} bytes), p50 ${round(f.p50Ms)} ms, p99 ${round(f.p99Ms)} ms from tiles`]);
  }
  rows.push(
    ['prove by event id at the newest size', figures.prove_by_event_id_ms_at_newest, 'ms (the event lookup scans on FerretDB)'],
    ['consistency proof, 1/10 to newest', figures.consistency_proof_ms_at_newest, 'ms'],
    [`bundle of ${tree.bundleEvents} events: make`, figures.bundle_make_ms, 'ms'],
    [`bundle of ${tree.bundleEvents} events: verify offline`, figures.bundle_verify_ms, 'ms (median of 20)'],
  );
  const width = Math.max(...rows.map((r) => r[0].length));
  console.log(`audit bench against ${config().MONGODB_URI}`);
  for (const [what, value, unit] of rows) console.log(`  ${what.padEnd(width)}  ${String(value).padStart(7)}  ${unit}`);
  console.log(JSON.stringify(figures));
}

main()
  .catch((error) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(async () => {
    rmSync(folder, { recursive: true, force: true });
    for (const mongo of databases) {
      await mongo.db.dropDatabase().catch(() => undefined);
      await mongo.close();
    }
  });
