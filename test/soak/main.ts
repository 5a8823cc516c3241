import { join } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { startCpuLoad } from '../support/cpu-load';
import { quarters } from './check-durations';
import { runSoak } from './driver';

const root = join(__dirname, '../..');

function wholeNumber(flag: string, min: number) {
  return (value: string) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`${flag}: ${value} must be a whole number of at least ${min}`);
    return n;
  };
}

/** `npm run soak -- --seed N --versions M`: a model's whole life, several at once, with faults; exit 1 on any violation. */
async function main(): Promise<void> {
  const opts = new Command('soak')
    .option('--seed <n>', 'seed of the plan and of the fault schedule', wholeNumber('--seed', 0), Date.now() % 100_000)
    .option('--versions <n>', 'versions per model', wholeNumber('--versions', 1), 12)
    .option('--models <n>', 'models living side by side', wholeNumber('--models', 1), 3)
    .option('--no-faults', 'no kills or restarts')
    .option('--port-base <n>', 'first port of the private stack', wholeNumber('--port-base', 1024), 26000)
    .option('--load <n>', 'cores kept busy by spinning processes for the whole soak', wholeNumber('--load', 0), 0)
    .parse()
    .opts<{ seed: number; versions: number; models: number; faults: boolean; portBase: number; load: number }>();
  console.log(`soak: seed ${opts.seed}, ${opts.models} models x ${opts.versions} versions, faults ${opts.faults ? 'on' : 'off'}, ${opts.load} core(s) kept busy`);
  const started = Date.now();
  // A signal stops the soak the way its end does: evidence kept, every process it started stopped, verdict printed.
  const stop = new AbortController();
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(sig, () => {
      if (!stop.signal.aborted) console.log(`soak: ${sig}: stopping; keeping evidence and stopping the stack first`);
      stop.abort();
    });
  }
  const load = startCpuLoad(opts.load);
  const r = await runSoak({ ...opts, signal: stop.signal, evidenceDir: join(root, '.data', 'soak', `seed-${opts.seed}`), log: (line) => console.log(line) }).finally(() => load.stop());

  console.log('\n| model | promoted | rolled_back | rejected | expired | other |');
  console.log('| --- | --- | --- | --- | --- | --- |');
  for (const [model, o] of Object.entries(r.outcomes)) {
    const other = Object.entries(o).filter(([k]) => !['promoted', 'rolled_back', 'rejected', 'expired'].includes(k)).reduce((s, [, n]) => s + n, 0);
    console.log(`| ${model} | ${o.promoted ?? 0} | ${o.rolled_back ?? 0} | ${o.rejected ?? 0} | ${o.expired ?? 0} | ${other} |`);
  }
  console.log(`drills ${r.drills}, rollbacks by the monitor ${r.monitorRollbacks}, ${Math.round((Date.now() - started) / 1000)} s`);
  const { first, last } = quarters(r.checkDurations);
  console.log(`KPI check durations: first quarter (${first.pipelines} pipelines, ${first.checks} checks) median ${first.medianMs} ms, max ${first.maxMs} ms; last quarter (${last.pipelines} pipelines, ${last.checks} checks) median ${last.medianMs} ms, max ${last.maxMs} ms`);
  for (const v of r.violations) console.log(`violation: seed ${v.seed}, step ${v.step}: ${v.invariant}: ${v.detail}`);
  console.log(`soak: ${r.pipelines} pipelines, ${r.faults} faults (${r.failedRestarts} restarts failed and were tried again), ${r.checks} invariant checks, ${r.violations.length} violations`);
  console.log(JSON.stringify({ soak: 'lifecycle', seed: opts.seed, load_cores: opts.load, pipelines: r.pipelines, faults: r.faults, failed_restarts: r.failedRestarts, invariant_checks: r.checks, violations: r.violations.length, check_p50_ms_first_quarter: first.medianMs, check_max_ms_first_quarter: first.maxMs, check_p50_ms_last_quarter: last.medianMs, check_max_ms_last_quarter: last.maxMs, duration_s: Math.round((Date.now() - started) / 1000) }));
  process.exitCode = r.violations.some((v) => v.invariant === 'the soak runs to its end') ? 2 : r.violations.length === 0 ? 0 : 1;
}

main().catch((err: unknown) => {
  console.error(`soak: ${err instanceof Error ? err.stack : String(err)}`);
  process.exitCode = 2;
});
