/**
 * Scoring benchmark: per-user top-10 latency over the full catalogue, evaluation throughput, and how
 * both scale with catalogue size. Models are random (seeded) since timing does not depend on quality.
 *
 *   tsx scripts/bench-models.ts [--calls 3000] [--users 2000] [--quick]
 *
 * Larger catalogues get proportionally fewer calls and evaluated users (never under 600 and 250) to
 * keep the run near half a minute; percentiles stay meaningful at that count. --quick times 200 calls after 50
 * warm-up calls and evaluates 100 users at each size (unless --calls or --users is given): the same figures, too few
 * calls for their tails to mean much, to check that the benchmark runs end to end.
 *
 * The compute floor is items x dims multiply-adds at one per nanosecond; floor_ratio is the measured
 * p50 over that floor (below 1 means faster than one multiply-add per ns). The same model and calls are then timed
 * in onnxruntime (one thread), in the same run: onnx_* keys, and the TypeScript p50 over the ONNX p50. The last line
 * is JSON.
 */
import { parseArgs } from 'node:util';
import { randomEmbeddingModel } from './lib/random-model';
import { createScorer, evaluate, mulberry32, type HeldOutUser, type Scorer } from '../src/models';
import { percentile } from './lib/percentile';
import { createOnnxScorer } from '../src/models/scoring/onnx-scorer';
import { embeddingAsOnnx } from '../src/models/onnx/embedding-graph';

const ITEMS = 9724; // the catalogue of ml-latest-small
const DIMS = 64;
const K = 10;
const SEEN_PER_USER = 50;

const { values: args } = parseArgs({
  options: {
    calls: { type: 'string' },
    users: { type: 'string' },
    quick: { type: 'boolean', default: false },
  },
});
const quick = args.quick === true;
const calls = Number(args.calls ?? (quick ? 200 : 3000));
const users = Number(args.users ?? (quick ? 300 : 2000));
for (const [flag, v] of [['--calls', calls], ['--users', users]] as const) {
  if (!Number.isInteger(v) || v < 1) throw new Error(`${flag} must be a whole number of at least 1`);
}
/** The fewest calls and evaluated users at any catalogue size. */
const floors = quick ? { calls: 200, users: 100 } : { calls: 600, users: 250 };
/** Calls before timing, so that the optimising compiler has settled. */
const WARM_UP_CALLS = quick ? 50 : 300;

const randomModel = (items: number, seed: number) => randomEmbeddingModel({ users, items, dims: DIMS }, seed);

/** Each user has seen 50 random items (excluded from the ranking, as when serving) and 10 relevant ones. */
function heldOut(items: number, seed: number): HeldOutUser[] {
  const rng = mulberry32(seed);
  const pick = (n: number) => Array.from({ length: n }, () => 1 + Math.floor(rng() * items));
  return Array.from({ length: users }, (_, u) => ({ userId: u + 1, seen: pick(SEEN_PER_USER), relevant: pick(10) }));
}

interface Row {
  items: number;
  p50: number;
  p99: number;
  onnxP50: number;
  onnxP99: number;
  floor: number;
  usersPerSecond: number;
}

async function bench(scale: number): Promise<Row> {
  const items = ITEMS * scale;
  const model = randomModel(items, items);
  const scorer: Scorer = createScorer(model);
  const cases = heldOut(items, 7);
  const timedCalls = Math.max(floors.calls, Math.round(calls / scale));
  const evaluatedUsers = Math.min(users, Math.max(floors.users, Math.round(users / scale)));
  for (let i = 0; i < WARM_UP_CALLS; i++) scorer.topK(cases[i % users].userId, K, { exclude: cases[i % users].seen });

  const times = new Float64Array(timedCalls);
  for (let i = 0; i < timedCalls; i++) {
    const c = cases[i % users];
    const start = process.hrtime.bigint();
    scorer.topK(c.userId, K, { exclude: c.seen });
    times[i] = Number(process.hrtime.bigint() - start) / 1000;
  }
  times.sort();

  const start = process.hrtime.bigint();
  const report = await evaluate(scorer, cases.slice(0, evaluatedUsers), { k: K, excludeSeen: true });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;

  const onnx = await createOnnxScorer(embeddingAsOnnx(model));
  for (let i = 0; i < WARM_UP_CALLS; i++) await onnx.topK(cases[i % users].userId, K, { exclude: cases[i % users].seen });
  const onnxTimes = new Float64Array(timedCalls);
  for (let i = 0; i < timedCalls; i++) {
    const c = cases[i % users];
    const begin = process.hrtime.bigint();
    await onnx.topK(c.userId, K, { exclude: c.seen });
    onnxTimes[i] = Number(process.hrtime.bigint() - begin) / 1000;
  }
  await onnx.close();
  return {
    items,
    p50: percentile(times, 0.5),
    p99: percentile(times, 0.99),
    onnxP50: percentile(onnxTimes, 0.5),
    onnxP99: percentile(onnxTimes, 0.99),
    floor: (items * DIMS) / 1000,
    usersPerSecond: report.users / seconds,
  };
}

async function main(): Promise<void> {
  const rows: Row[] = [];
  for (const scale of [1, 4, 16]) rows.push(await bench(scale));
  const base = rows[0];
  console.log(`top-${K} over the full catalogue, ${DIMS} dims, ${SEEN_PER_USER} seen items excluded, ${calls} calls at 1x`);
  console.log(`node ${process.version}, ${users} users\n`);
  const header = ['items', 'ts p50 µs', 'ts p99 µs', 'onnx p50 µs', 'onnx p99 µs', 'ts/onnx p50', 'floor µs', 'p50/floor', 'p99 vs 1x', 'NDCG@10 users/s'];
  const lines = rows.map((r) => [
    String(r.items),
    r.p50.toFixed(0),
    r.p99.toFixed(0),
    r.onnxP50.toFixed(0),
    r.onnxP99.toFixed(0),
    `${(r.p50 / r.onnxP50).toFixed(1)}x`,
    r.floor.toFixed(0),
    (r.p50 / r.floor).toFixed(2),
    `${(r.p99 / base.p99).toFixed(1)}x`,
    r.usersPerSecond.toFixed(0),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const format = (cells: string[]) => cells.map((c, i) => c.padStart(widths[i])).join('  ');
  console.log(format(header));
  for (const line of lines) console.log(format(line));
  console.log(`\ntarget p99 < 1000 µs at ${ITEMS} x ${DIMS}: ${base.p99 < 1000 ? 'met' : 'MISSED'}`);

  const round = (x: number, digits = 1) => Number(x.toFixed(digits));
  console.log(
    JSON.stringify({
      bench: 'models',
      quick,
      items_count: base.items,
      dims_count: DIMS,
      k_count: K,
      p50_us: round(base.p50),
      p99_us: round(base.p99),
      floor_us: round(base.floor),
      floor_ratio: round(base.p50 / base.floor, 3),
      users_per_s: Math.round(base.usersPerSecond),
      p50_us_4x: round(rows[1].p50),
      p99_us_4x: round(rows[1].p99),
      floor_ratio_4x: round(rows[1].p50 / rows[1].floor, 3),
      users_per_s_4x: Math.round(rows[1].usersPerSecond),
      p50_us_16x: round(rows[2].p50),
      p99_us_16x: round(rows[2].p99),
      floor_ratio_16x: round(rows[2].p50 / rows[2].floor, 3),
      users_per_s_16x: Math.round(rows[2].usersPerSecond),
      ts_p50_us: round(base.p50),
      ts_p99_us: round(base.p99),
      onnx_p50_us: round(base.onnxP50),
      onnx_p99_us: round(base.onnxP99),
      ts_vs_onnx_p50_ratio: round(base.p50 / base.onnxP50, 2),
      onnx_p50_us_4x: round(rows[1].onnxP50),
      onnx_p99_us_4x: round(rows[1].onnxP99),
      ts_vs_onnx_p50_ratio_4x: round(rows[1].p50 / rows[1].onnxP50, 2),
      onnx_p50_us_16x: round(rows[2].onnxP50),
      onnx_p99_us_16x: round(rows[2].onnxP99),
      ts_vs_onnx_p50_ratio_16x: round(rows[2].p50 / rows[2].onnxP50, 2),
    }),
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
