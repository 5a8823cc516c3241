/**
 * Rollout verdicts on simulated traffic: how often each judge rolls back an identical, a worse and a broken
 * candidate, and how long it takes to decide. The statistical judge is the project's own code with the default
 * spec; today's threshold judge and a Kayenta-style Mann-Whitney judge see traffic from the same generator, the
 * same users and the same seeds, with the stage plan they were tuned for (shadowing 10%).
 *
 *   tsx scripts/bench-judge.ts [--rollouts 2000] [--seed 1] [--workers 2] [--quick]
 *
 * --quick runs 40 rollouts per cell instead of 2,000 (unless --rollouts is given): the same grid and figures, with
 * wide sampling error, to check that the benchmark runs end to end.
 *
 * The world simulated, its assumptions and how to read the table: docs/verdicts.md. The last line is JSON.
 */
import { spawn } from 'node:child_process';
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { CELLS, WORLD } from './lib/bench-judge/cells';
import type { JudgeName, RolloutResult } from './lib/bench-judge/rollouts';
import type { CellResult } from './lib/bench-judge/worker';

const { values } = parseArgs({
  options: {
    rollouts: { type: 'string' },
    seed: { type: 'string', default: '1' },
    workers: { type: 'string', default: String(Math.min(2, cpus().length)) },
    quick: { type: 'boolean', default: false },
  },
});
const rollouts = Number(values.rollouts ?? (values.quick ? '40' : '2000'));
const seed = Number(values.seed);
const workers = Number(values.workers);
for (const [flag, v] of [['--rollouts', rollouts], ['--seed', seed], ['--workers', workers]] as const) {
  if (!Number.isInteger(v) || v < 1) throw new Error(`${flag} must be a whole number of at least 1`);
}

function runWorker(cells: number[]): Promise<CellResult[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/lib/bench-judge/worker.ts', '--cells', cells.join(','), '--rollouts', String(rollouts), '--seed', String(seed)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(JSON.parse(out).results) : reject(new Error(`judge worker exited with ${code}`))));
  });
}

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];

interface Summary {
  rollback: number;
  pause: number;
  medianS: number;
  p90S: number;
  /** p90 of the time to a rollback, counting rollouts never rolled back as never: null when that is over a tenth. */
  rollbackP90S: number | null;
}

function summarize(results: RolloutResult[]): Summary {
  const times = results.map((r) => r.decisionS).sort((a, b) => a - b);
  const rollbackTimes = results.map((r) => (r.outcome === 'rolled_back' ? r.decisionS : Infinity)).sort((a, b) => a - b);
  const p90 = quantile(rollbackTimes, 0.9);
  return {
    rollback: results.filter((r) => r.outcome === 'rolled_back').length / results.length,
    pause: results.filter((r) => r.outcome === 'paused').length / results.length,
    medianS: quantile(times, 0.5),
    p90S: quantile(times, 0.9),
    rollbackP90S: Number.isFinite(p90) ? p90 : null,
  };
}

async function main(): Promise<void> {
  const started = Date.now();
  // Cells alternate between workers, so the slow (identical, long-running) rollouts spread evenly.
  const slices = Array.from({ length: workers }, (_, w) => CELLS.map((_, i) => i).filter((i) => i % workers === w));
  const results = (await Promise.all(slices.map(runWorker))).flat().sort((a, b) => a.index - b.index);
  const seconds = (Date.now() - started) / 1000;

  const JUDGES: JudgeName[] = ['statistical', 'thresholds', 'kayenta'];
  const table = results.map((r) => ({ cell: CELLS[r.index], by: Object.fromEntries(JUDGES.map((j) => [j, summarize(r.judges[j])])) as Record<JudgeName, Summary> }));

  const pct = (x: number) => `${(100 * x).toFixed(1)}%`.padStart(6);
  const mins = (s: number | null) => (s === null ? 'never' : `${(s / 60).toFixed(1)}m`).padStart(6);
  console.log(`judge benchmark: ${rollouts} rollouts per cell and judge, seed ${seed}, default spec (checks every 30 s)`);
  console.log(`world: errors ${WORLD.errorRate * 100}% base, latency log-normal median ${WORLD.latencyMedianMs} ms, ${WORLD.requestsPerUser} requests per user on average, activity sigma ${WORLD.activitySigma}, success concentration ${WORLD.concentration}`);
  console.log('P(rb) = rolled back; paused = window ended without proof and a human decides; times to the final decision');
  console.log(`${'rps'.padStart(4)} ${'base'.padStart(5)} ${'candidate'.padEnd(14)} | ${'statistical: P(rb) paused   med    p90'.padEnd(40)} | ${'thresholds: P(rb)  med    p90'.padEnd(30)} | kayenta: P(rb)  med    p90`);
  for (const { cell, by } of table) {
    const s = by.statistical;
    const t = by.thresholds;
    const k = by.kayenta;
    console.log(
      `${String(cell.rate).padStart(4)} ${pct(cell.base).slice(1)} ${cell.effect.name.padEnd(14)} | ${' '.repeat(12)}${pct(s.rollback)} ${pct(s.pause)} ${mins(s.medianS)} ${mins(s.p90S)} | ${' '.repeat(11)}${pct(t.rollback)} ${mins(t.medianS)} ${mins(t.p90S)} | ${' '.repeat(8)}${pct(k.rollback)} ${mins(k.medianS)} ${mins(k.p90S)}`,
    );
  }

  const cellOf = (rate: number, base: number, effect: string) => table.find((r) => r.cell.rate === rate && r.cell.base === base && r.cell.effect.name === effect)!;
  function figures(judge: JudgeName, prefix: string): Record<string, number | null> {
    const identical = table.filter((r) => r.cell.effect.name === 'identical');
    const x10 = [0.05, 0.2].map((base) => cellOf(20, base, 'errors x10').by[judge].rollbackP90S);
    return {
      [`${prefix}aa_rollback_max`]: Math.max(...identical.map((r) => r.by[judge].rollback)),
      [`${prefix}power_success_0_9_at_200rps`]: cellOf(200, 0.05, 'success x0.9').by[judge].rollback,
      [`${prefix}power_success_0_8_at_20rps`]: cellOf(20, 0.05, 'success x0.8').by[judge].rollback,
      // Over both base rates, the slower: a tenfold error rate must be stopped whatever the success rate.
      [`${prefix}errors_x10_detect_p90_s`]: x10.includes(null) ? null : Math.max(...(x10 as number[])),
      [`${prefix}aa_median_decision_s_200rps`]: cellOf(200, 0.05, 'identical').by[judge].medianS,
    };
  }
  const json = {
    bench: 'judge',
    quick: values.quick,
    rollouts_per_cell: rollouts,
    seed,
    ...figures('statistical', ''),
    aa_paused_max: Math.max(...table.filter((r) => r.cell.effect.name === 'identical').map((r) => r.by.statistical.pause)),
    aa_promoted_200rps: 1 - cellOf(200, 0.05, 'identical').by.statistical.rollback - cellOf(200, 0.05, 'identical').by.statistical.pause,
    ...figures('thresholds', 'thresholds_'),
    ...figures('kayenta', 'kayenta_'),
    seconds,
  };
  console.log(JSON.stringify(json));
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
