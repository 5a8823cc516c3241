/**
 * The scenario gate's latency check, repeated: how often it fails a candidate identical to its champion, and how
 * often it catches one twice as slow, on a machine with cores kept busy. The model is a random embedding model of
 * ml-latest-small's shape (9,724 items x 64 factors) ranked in onnxruntime, as a worker ranks; the slower candidate
 * is the same model answering each request twice. The gate is the project's own check with the default spec.
 *
 *   tsx scripts/bench-latency-gate.ts [--repetitions 50] [--busy 1] [--users 300]
 *
 * --busy N starts N processes that spin on a core (`node -e 'for(;;){}'`) for the whole run and stops them, by pid,
 * at the end. The last line is JSON.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { parseArgs } from 'node:util';
import { scenarioGateSchema } from '../src/contracts/pipeline-spec';
import type { Check } from '../src/contracts/evidence';
import { latencyCheck } from '../src/evaluation/latency';
import { encodeArtifact, loadModel, mulberry32, type HeldOutUser, type Ranker } from '../src/models';
import { randomEmbeddingModel } from './lib/random-model';

const { values: args } = parseArgs({
  options: {
    repetitions: { type: 'string', default: '50' },
    busy: { type: 'string', default: '1' },
    users: { type: 'string', default: '300' },
  },
});
const repetitions = Number(args.repetitions);
const busy = Number(args.busy);
const users = Number(args.users);
for (const [flag, v, min] of [['--repetitions', repetitions, 1], ['--busy', busy, 0], ['--users', users, 1]] as const) {
  if (!Number.isInteger(v) || v < min) throw new Error(`${flag} must be a whole number of at least ${min}`);
}

const ITEMS = 9724;
const K = 10;

function heldOut(n: number): HeldOutUser[] {
  const rng = mulberry32(3);
  const pick = (m: number) => Array.from({ length: m }, () => 1 + Math.floor(rng() * ITEMS));
  return Array.from({ length: n }, (_, u) => ({ userId: u + 1, seen: pick(50), relevant: pick(10) }));
}

/** The same model doing its work twice per request: exactly twice the cost, nothing else changed. */
function twiceAsSlow(model: Ranker): Ranker {
  return {
    ...model,
    knowsUser: (u) => model.knowsUser(u),
    close: () => model.close(),
    async topK(userId, k, options) {
      await model.topK(userId, k, options);
      return model.topK(userId, k, options);
    },
  };
}

interface Cell {
  name: string;
  candidate: Ranker;
  champion: Ranker | null;
  checks: Check[];
}

const outcome = (c: Check) => (c.verdict !== 'fail' ? 'pass' : c.environmental ? 'inconclusive' : 'fail');
const share = (cell: Cell, what: string) => cell.checks.filter((c) => outcome(c) === what).length / cell.checks.length;
const numbers = (cell: Cell, key: string) => cell.checks.map((c) => c.values[key]).filter((v): v is number => typeof v === 'number').sort((a, b) => a - b);
/** The p99 ratio the check does not judge on, to show why: p99 of 300 users is the third slowest. */
const p99Ratios = (cell: Cell) =>
  cell.checks.flatMap((c) => (typeof c.values.p99Us === 'number' && typeof c.values.championP99Us === 'number' ? [Math.round((c.values.p99Us / c.values.championP99Us) * 100) / 100] : [])).sort((a, b) => a - b);
const at = (sorted: number[], q: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] : NaN);

async function main(): Promise<void> {
  const spinners: ChildProcess[] = Array.from({ length: busy }, () => spawn(process.execPath, ['-e', 'for(;;){}'], { stdio: 'ignore' }));
  const pids = spinners.map((s) => s.pid);
  try {
    const model = await loadModel(encodeArtifact(randomEmbeddingModel({ users, items: ITEMS, dims: 64 }, 1)));
    const slow = twiceAsSlow(model);
    const gate = scenarioGateSchema.parse(undefined);
    const sample = heldOut(users);
    // The gate runs after runScenarios ranked every held-out user; so does this warm-up.
    for (const u of sample) await model.topK(u.userId, K, { exclude: u.seen });
    const cells: Cell[] = [
      { name: 'identical, with champion', candidate: model, champion: model, checks: [] },
      { name: '2x slower, with champion', candidate: slow, champion: model, checks: [] },
      { name: 'no champion (ceiling only)', candidate: model, champion: null, checks: [] },
    ];
    // Round-robin over the cells, so a slow stretch of the machine does not fall on one cell only.
    for (let r = 0; r < repetitions; r++) {
      for (const cell of cells) cell.checks.push(await latencyCheck(cell.candidate, cell.champion, sample, K, { ...gate, latencySampleUsers: users }));
    }
    await model.close();

    console.log(`latency gate x ${repetitions} repetitions, ${users} users, ${busy} busy core(s), ceiling ${gate.latencyBudgetP99Ms} ms, max ratio ${gate.latencyMaxRatio}`);
    console.log(['case', 'pass', 'fail (final)', 'inconclusive', 'p95 ratio p50', 'p95 ratio p95', 'p95 ratio min', 'p95 ratio max', 'p99 ratio min', 'p99 ratio max', 'p99 µs p50', 'p99 µs max'].join(' | '));
    for (const cell of cells) {
      const ratios = numbers(cell, 'p95Ratio');
      const p99 = numbers(cell, 'p99Us');
      const pct = (what: string) => `${(100 * share(cell, what)).toFixed(0)}%`;
      const ratio = (q: number, of = ratios) => (of.length ? at(of, q).toFixed(2) : '-');
      const row = [ratio(0.5), ratio(0.95), ratio(0), ratio(1), ratio(0, p99Ratios(cell)), ratio(1, p99Ratios(cell))];
      console.log([cell.name, pct('pass'), pct('fail'), pct('inconclusive'), ...row, at(p99, 0.5).toFixed(0), at(p99, 1).toFixed(0)].join(' | '));
    }
    const [same, slower, alone] = cells;
    const ratiosOf = (cell: Cell) => numbers(cell, 'p95Ratio');
    console.log(
      JSON.stringify({
        repetitions_count: repetitions,
        users_count: users,
        busy_cores_count: busy,
        identical_final_fail_pct: 100 * share(same, 'fail'),
        identical_inconclusive_pct: 100 * share(same, 'inconclusive'),
        identical_ratio_p95_x: at(ratiosOf(same), 0.95),
        identical_ratio_max_x: at(ratiosOf(same), 1),
        slower_caught_pct: 100 * share(slower, 'fail'),
        slower_ratio_p50_x: at(ratiosOf(slower), 0.5),
        slower_ratio_min_x: at(ratiosOf(slower), 0),
        identical_p99_ratio_max_x: at(p99Ratios(same), 1),
        slower_p99_ratio_min_x: at(p99Ratios(slower), 0),
        no_champion_fail_pct: 100 * (share(alone, 'fail') + share(alone, 'inconclusive')),
        candidate_p99_max_us: Math.max(...cells.flatMap((c) => numbers(c, 'p99Us'))),
      }),
    );
  } finally {
    for (const pid of pids) if (pid) process.kill(pid);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
