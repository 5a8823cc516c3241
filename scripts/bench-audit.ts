/**
 * Audit-log and artifact-store throughput against the configured MongoDB-wire server (FerretDB locally). Each phase
 * runs in a fresh temporary database, dropped at the end. Prints a table, then one line of JSON with every figure
 * (keys carry their units).
 *
 *   npm run bench:audit      # BENCH_SEQ_APPENDS, BENCH_CONCURRENT_APPENDS, BENCH_SEPARATE_APPENDS resize the phases
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Db } from 'mongodb';
import { createAuditLog, type AuditEventInput, type AuditLog, type StoredAuditEvent } from '../src/audit';
import { config } from '../src/config';
import { connectMongo, type Mongo } from '../src/db';
import { createRegistry, ensureIndexes } from '../src/registry';

const SEQ_APPENDS = Number(process.env.BENCH_SEQ_APPENDS ?? 3000);
const CONCURRENT_APPENDS = Number(process.env.BENCH_CONCURRENT_APPENDS ?? 3000);
const SEPARATE_APPENDS = Number(process.env.BENCH_SEPARATE_APPENDS ?? 240);
const WRITERS = 8;
const PIPELINES = 8;

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
  const log = createAuditLog(db);
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

  const figures = {
    bench: 'audit',
    seq_appends_per_s: Math.round(seq.appends),
    seq_raw_inserts_per_s: Math.round(seq.rawInserts),
    concurrent8_appends_per_s: Math.round(sharedRate),
    concurrent8_separate_writers_appends_per_s: Math.round(separate),
    verify_events_per_s: Math.round(verified.rate),
    upload_mb_per_s: Number(blob.upload.toFixed(1)),
    download_mb_per_s: Number(blob.download.toFixed(1)),
  };
  const rows: [string, number, string][] = [
    ['audit appends, 1 writer, sequential', figures.seq_appends_per_s, `appends/s (${SEQ_APPENDS} events)`],
    ['  baseline: plain insertOne, same shape', figures.seq_raw_inserts_per_s, 'inserts/s (the server floor right now)'],
    ['audit appends, 8 concurrent writers, one AuditLog', figures.concurrent8_appends_per_s, `appends/s (${CONCURRENT_APPENDS} events, group commit)`],
    ['audit appends, 8 concurrent writers, 8 AuditLogs', figures.concurrent8_separate_writers_appends_per_s, `appends/s (${SEPARATE_APPENDS} events, as 8 processes)`],
    ['verify whole log', figures.verify_events_per_s, `events/s (${verified.checked} events, chains intact)`],
    ['artifact upload, 10 MB + 2.5 MB', figures.upload_mb_per_s, 'MB/s (sha256 verified, GridFS)'],
    ['artifact download, 10 MB + 2.5 MB', figures.download_mb_per_s, 'MB/s (sha256 verified before return)'],
  ];
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
    for (const mongo of databases) {
      await mongo.db.dropDatabase().catch(() => undefined);
      await mongo.close();
    }
  });
