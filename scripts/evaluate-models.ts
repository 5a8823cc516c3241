/**
 * Reproduces docs/model-quality.md: trains the default 64-factor ALS model and the popularity
 * baseline on temporal hold-outs of MovieLens (or synthetic data when it is absent) and prints
 * NDCG@10 and friends for both, with timings, then one JSON line with every figure.
 *
 *   tsx scripts/evaluate-models.ts [--ratings <csv or dir>] [--factors 64] [--seed 1] [--k 10] [--validate]
 *
 * --validate instead reruns the hyper-parameter grid behind ALS_DEFAULTS, on a validation split
 * nested inside the training part (each user's 10 interactions before the test ones), so the
 * reported test figures never influenced the choice.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  ALS_DEFAULTS,
  buildHeldOut,
  compareToBaseline,
  createScorer,
  evaluate,
  globalTimeSplit,
  leaveLastNSplit,
  loadRatingsOrSynthetic,
  pairedBootstrap,
  trainAls,
  trainPopularity,
  type EvaluationReport,
  type Interactions,
  type Split,
} from '../src/models';

const DEFAULT_RATINGS = resolve(__dirname, '../../shared/data/ml-latest-small/ratings.csv');

const { values: args } = parseArgs({
  options: {
    ratings: { type: 'string' },
    factors: { type: 'string', default: String(ALS_DEFAULTS.factors) },
    seed: { type: 'string', default: String(ALS_DEFAULTS.seed) },
    k: { type: 'string', default: '10' },
    validate: { type: 'boolean', default: false },
  },
});
const factors = Number(args.factors);
const seed = Number(args.seed);
const k = Number(args.k);

async function timed<T>(fn: () => T | Promise<T>): Promise<[T, number]> {
  const start = process.hrtime.bigint();
  const value = await fn();
  return [value, Number(process.hrtime.bigint() - start) / 1e6];
}

interface ProtocolResult {
  name: string;
  trainRows: number;
  testRows: number;
  trainMs: number;
  evalMs: number;
  usersPerSecond: number;
  model: EvaluationReport;
  popularity: EvaluationReport;
  shuffled: EvaluationReport;
}

async function runProtocol(name: string, split: Split, minRating: number, requireTrainHistory: boolean): Promise<ProtocolResult> {
  const heldOut = buildHeldOut(split.train, split.test, { minRating, requireTrainHistory });
  const [model, trainMs] = await timed(() => trainAls(split.train, { factors, seed }));
  const popularity = trainPopularity(split.train);
  const shuffledModel = trainAls(split.train, { factors, seed, faults: { shuffleItemFactors: true } });
  const opts = { k, excludeSeen: true };
  const [modelReport, evalMs] = await timed(() => evaluate(createScorer(model), heldOut, opts));
  return {
    name,
    trainRows: split.train.users.length,
    testRows: split.test.users.length,
    trainMs,
    evalMs,
    usersPerSecond: modelReport.users / (evalMs / 1000),
    model: modelReport,
    popularity: await evaluate(createScorer(popularity), heldOut, opts),
    shuffled: await evaluate(createScorer(shuffledModel), heldOut, opts),
  };
}

function ndcgGain(r: ProtocolResult) {
  return pairedBootstrap(
    r.model.perUser.map((u) => u.ndcg),
    r.popularity.perUser.map((u) => u.ndcg),
  );
}

function row(label: string, r: EvaluationReport): string {
  const f = (x: number) => x.toFixed(4);
  return `| ${label} | ${r.users} | ${f(r.ndcg)} | ${f(r.recall)} | ${f(r.precision)} | ${f(r.map)} | ${f(r.hitRate)} | ${f(r.coverage)} |`;
}

async function validationGrid(data: Interactions): Promise<void> {
  const inner = leaveLastNSplit(leaveLastNSplit(data, 10).train, 10);
  const heldOut = buildHeldOut(inner.train, inner.test);
  const opts = { k, excludeSeen: true };
  const baseline = await evaluate(createScorer(trainPopularity(inner.train)), heldOut, opts);
  console.log(`validation: ${heldOut.length} users, popularity NDCG@${k} ${baseline.ndcg.toFixed(4)}\n`);
  console.log(`| regularization | alpha | NDCG@${k} | Recall@${k} | coverage |`);
  console.log('|---|---|---|---|---|');
  for (const regularization of [1, 5, 20, 50]) {
    for (const alpha of [0.5, 1, 5]) {
      const model = trainAls(inner.train, { factors, seed, regularization, alpha });
      const r = await evaluate(createScorer(model), heldOut, opts);
      console.log(`| ${regularization} | ${alpha} | ${r.ndcg.toFixed(4)} | ${r.recall.toFixed(4)} | ${r.coverage.toFixed(4)} |`);
    }
  }
}

async function main(): Promise<void> {
  const [loaded, loadMs] = await (async () => {
    const start = process.hrtime.bigint();
    const value = await loadRatingsOrSynthetic(args.ratings, DEFAULT_RATINGS, { users: 600, items: 2000, seed: 1 });
    return [value, Number(process.hrtime.bigint() - start) / 1e6] as const;
  })();
  const data: Interactions = loaded.interactions;
  const from = loaded.source.kind === 'movielens' ? loaded.source.path : `synthetic ${JSON.stringify(loaded.source.options)}`;
  console.log(`data: ${from}: ${data.users.length} interactions, loaded in ${loadMs.toFixed(0)} ms`);
  if (args.validate) {
    await validationGrid(data);
    return;
  }
  console.log(`model: implicit ALS, ${factors} factors, seed ${seed}, ${JSON.stringify({ ...ALS_DEFAULTS, factors, seed })}\n`);

  const lastN = leaveLastNSplit(data, 10);
  const timeCut = globalTimeSplit(data, { testFraction: 0.2 });
  const results = [
    await runProtocol('leave-last-10, all held-out items relevant', lastN, 0, false),
    await runProtocol('leave-last-10, held-out items rated >= 4 relevant', lastN, 4, false),
    await runProtocol(`global time cut at ${new Date(timeCut.cutTimestamp * 1000).toISOString().slice(0, 10)} (last 20 %), known users`, timeCut, 0, true),
  ];

  for (const r of results) {
    console.log(`### ${r.name}`);
    console.log(`train ${r.trainRows} rows, test ${r.testRows} rows; ALS trained in ${(r.trainMs / 1000).toFixed(2)} s; ` +
      `evaluation ${r.evalMs.toFixed(0)} ms (${r.usersPerSecond.toFixed(0)} users/s)\n`);
    console.log(`| model | users | NDCG@${k} | Recall@${k} | Precision@${k} | MAP@${k} | HitRate@${k} | coverage |`);
    console.log('|---|---|---|---|---|---|---|---|');
    console.log(row('ALS', r.model));
    console.log(row('popularity', r.popularity));
    console.log(row('ALS, shuffleItemFactors fault', r.shuffled));
    const gate = compareToBaseline(r.model, r.popularity, { metrics: ['ndcg', 'recall', 'map', 'hitRate'] });
    const broken = compareToBaseline(r.shuffled, r.popularity, { metrics: ['ndcg', 'recall', 'map', 'hitRate'] });
    const ci = ndcgGain(r);
    console.log(`\nNDCG@${k} gain of ALS over popularity: ${ci.mean.toFixed(4)} (95 % paired bootstrap CI ${ci.low.toFixed(4)} .. ${ci.high.toFixed(4)})`);
    console.log(`gate vs popularity: ALS ${gate.pass ? 'PASS' : 'FAIL'}, shuffled ${broken.pass ? 'PASS' : 'FAIL'}\n`);
  }

  const summary = {
    bench: 'model-quality',
    source: loaded.source.kind,
    interactions: data.users.length,
    factors,
    seed,
    k,
    load_ms: Math.round(loadMs),
    protocols: results.map((r) => ({
      name: r.name,
      train_s: Number((r.trainMs / 1000).toFixed(2)),
      users: r.model.users,
      ndcg_model: Number(r.model.ndcg.toFixed(4)),
      ndcg_popularity: Number(r.popularity.ndcg.toFixed(4)),
      ndcg_shuffled: Number(r.shuffled.ndcg.toFixed(4)),
      ndcg_gain_ci95: [ndcgGain(r).low, ndcgGain(r).high].map((x) => Number(x.toFixed(4))),
      users_per_s: Math.round(r.usersPerSecond),
    })),
  };
  console.log(JSON.stringify(summary));
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
