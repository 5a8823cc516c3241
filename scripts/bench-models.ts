/**
 * Scoring benchmark: per-user top-10 latency over the full catalogue, evaluation throughput, and how
 * both scale with catalogue size. Models are random (seeded) since timing does not depend on quality.
 *
 *   tsx scripts/bench-models.ts [--calls 3000] [--users 2000]
 *
 * Larger catalogues get proportionally fewer calls and evaluated users (never under 600 and 250) to
 * keep the run near half a minute; percentiles stay meaningful at that count.
 *
 * The compute floor is items x dims multiply-adds at one per nanosecond; floor_ratio is the measured
 * p50 over that floor (below 1 means faster than one multiply-add per ns). The last line is JSON.
 */
import { parseArgs } from 'node:util';
import { randomEmbeddingModel } from './lib/random-model';
import { createScorer, evaluate, mulberry32, type HeldOutUser, type Scorer } from '../src/models';
import { percentile } from './lib/percentile';

const ITEMS = 9724; // the catalogue of ml-latest-small
const DIMS = 64;
const K = 10;
const SEEN_PER_USER = 50;

const { values: args } = parseArgs({
  options: {
    calls: { type: 'string', default: '3000' },
    users: { type: 'string', default: '2000' },
  },
});
const calls = Number(args.calls);
const users = Number(args.users);

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
  floor: number;
  usersPerSecond: number;
}

function bench(scale: number): Row {
  const items = ITEMS * scale;
  const scorer: Scorer = createScorer(randomModel(items, items));
  const cases = heldOut(items, 7);
  const timedCalls = Math.max(600, Math.round(calls / scale));
  const evaluatedUsers = Math.max(250, Math.round(users / scale));
  // Warm-up so that the optimising compiler has settled before anything is measured.
  for (let i = 0; i < 300; i++) scorer.topK(cases[i % users].userId, K, { exclude: cases[i % users].seen });

  const times = new Float64Array(timedCalls);
  for (let i = 0; i < timedCalls; i++) {
    const c = cases[i % users];
    const start = process.hrtime.bigint();
    scorer.topK(c.userId, K, { exclude: c.seen });
    times[i] = Number(process.hrtime.bigint() - start) / 1000;
  }
  times.sort();

  const start = process.hrtime.bigint();
  const report = evaluate(scorer, cases.slice(0, evaluatedUsers), { k: K, excludeSeen: true });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return {
    items,
    p50: percentile(times, 0.5),
    p99: percentile(times, 0.99),
    floor: (items * DIMS) / 1000,
    usersPerSecond: report.users / seconds,
  };
}

function main(): void {
  const rows = [1, 4, 16].map(bench);
  const base = rows[0];
  console.log(`top-${K} over the full catalogue, ${DIMS} dims, ${SEEN_PER_USER} seen items excluded, ${calls} calls at 1x`);
  console.log(`node ${process.version}, ${users} users\n`);
  const header = ['items', 'p50 µs', 'p99 µs', 'floor µs', 'p50/floor', 'p99 vs 1x', 'NDCG@10 users/s'];
  const lines = rows.map((r) => [
    String(r.items),
    r.p50.toFixed(0),
    r.p99.toFixed(0),
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
    }),
  );
}

main();
