/**
 * Trains a model artifact from a MovieLens-format ratings CSV and writes it to disk.
 *
 *   tsx scripts/train-model.ts --ratings <csv or dir> --out <file> [--kind als|popularity] [--format msa|onnx]
 *     [--factors 64] [--iterations 12] [--seed 1] [--holdout 10]
 *     [--fault shuffle] [--shuffled-item-share <0..1>] [--latency-ms <ms>] [--failure-rate <0..1>]
 *
 * With --holdout N > 0 the model is trained without each user's last N interactions, and those are
 * used to report NDCG@10 and friends against the popularity baseline; the written artifact is that
 * evaluated model. --holdout 0 trains on everything and skips the metrics. Without --ratings the
 * default MovieLens path is used, or synthetic data when it is absent. --format onnx writes an ALS model as an ONNX
 * model of the contract in docs/model-format.md instead of a modelship artifact.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  ALS_DEFAULTS,
  artifactSha256,
  buildHeldOut,
  compareToBaseline,
  createScorer,
  embeddingAsOnnx,
  encodeArtifact,
  evaluate,
  leaveLastNSplit,
  loadRatingsOrSynthetic,
  trainAls,
  trainPopularity,
  ONNX_METADATA,
  type Artifact,
  type TrainingFaults,
} from '../src/models';

const DEFAULT_RATINGS = resolve(__dirname, '../../shared/data/ml-latest-small/ratings.csv');

const USAGE = `usage: npm run train -- [options]

  --ratings <csv or dir>      MovieLens-format ratings (default: MovieLens beside the checkout, else synthetic data)
  --out <file>                where the artifact is written (default .data/models/model.mship)
  --kind als|popularity       what to train (default als)
  --format msa|onnx           modelship artifact or ONNX model, ALS only (default msa)
  --factors <n>               ALS latent factors (default ${ALS_DEFAULTS.factors})
  --iterations <n>            ALS iterations (default ${ALS_DEFAULTS.iterations})
  --seed <n>                  random seed (default ${ALS_DEFAULTS.seed})
  --holdout <n>               each user's last n interactions held out to report NDCG@10; 0 trains on all (default 10)
  --fault shuffle             shuffle the item factors (repeatable fault injection)
  --shuffled-item-share <0..1>  share of item factors shuffled
  --latency-ms <ms>           latency the served model adds
  --failure-rate <0..1>       share of requests the served model fails
  --help                      print this and exit`;

const OPTIONS = {
  help: { type: 'boolean', default: false },
  ratings: { type: 'string' },
  out: { type: 'string', default: '.data/models/model.mship' },
  kind: { type: 'string', default: 'als' },
  format: { type: 'string', default: 'msa' },
  factors: { type: 'string', default: String(ALS_DEFAULTS.factors) },
  iterations: { type: 'string', default: String(ALS_DEFAULTS.iterations) },
  seed: { type: 'string', default: String(ALS_DEFAULTS.seed) },
  holdout: { type: 'string', default: '10' },
  fault: { type: 'string', multiple: true, default: [] as string[] },
  'shuffled-item-share': { type: 'string' },
  'latency-ms': { type: 'string' },
  'failure-rate': { type: 'string' },
} as const;

function parseCommandLine() {
  try {
    return parseArgs({ options: OPTIONS }).values;
  } catch (err) {
    // A mistyped flag gets the reason and the usage, not a stack trace.
    console.error(`${(err as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
}

const args = parseCommandLine();
if (args.help) {
  console.log(USAGE);
  process.exit(0);
}

function numberArg(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n)) throw new Error(`--${name} must be a number, got ${JSON.stringify(value)}`);
  return n;
}

function faultsFromArgs(): TrainingFaults {
  const unknown = args.fault.filter((f) => f !== 'shuffle');
  if (unknown.length > 0) throw new Error(`unknown --fault ${unknown.join(', ')}; known: shuffle`);
  const faults: TrainingFaults = {};
  if (args.fault.includes('shuffle')) faults.shuffleItemFactors = true;
  const shuffledItemShare = numberArg('shuffled-item-share', args['shuffled-item-share']);
  if (shuffledItemShare !== undefined) {
    if (shuffledItemShare < 0 || shuffledItemShare > 1) throw new Error(`--shuffled-item-share must be in [0, 1], got ${shuffledItemShare}`);
    faults.shuffledItemShare = shuffledItemShare;
  }
  const latency = numberArg('latency-ms', args['latency-ms']);
  const failureRate = numberArg('failure-rate', args['failure-rate']);
  if (latency !== undefined) faults.addedLatencyMs = latency;
  if (failureRate !== undefined) faults.failureRate = failureRate;
  return faults;
}

function seconds(since: bigint): string {
  return `${(Number(process.hrtime.bigint() - since) / 1e9).toFixed(2)} s`;
}

async function main(): Promise<void> {
  if (args.kind !== 'als' && args.kind !== 'popularity') throw new Error(`--kind must be als or popularity, got ${args.kind}`);
  if (args.format !== 'msa' && args.format !== 'onnx') throw new Error(`--format must be msa or onnx, got ${args.format}`);
  if (args.format === 'onnx' && args.kind !== 'als') throw new Error('--format onnx: only an als model has a graph to export');
  const holdout = numberArg('holdout', args.holdout)!;
  const faults = faultsFromArgs();

  let start = process.hrtime.bigint();
  const { interactions, source } = await loadRatingsOrSynthetic(args.ratings, DEFAULT_RATINGS, { users: 600, items: 2000, seed: 1 });
  const from = source.kind === 'movielens' ? source.path : 'synthetic data (MovieLens not found)';
  console.log(`loaded ${interactions.users.length} interactions from ${from} in ${seconds(start)}`);

  const split = holdout > 0 ? leaveLastNSplit(interactions, holdout) : undefined;
  const train = split?.train ?? interactions;
  const metadata = { source: source.kind === 'movielens' ? 'movielens' : 'synthetic', holdoutLastN: holdout };

  start = process.hrtime.bigint();
  let artifact: Artifact;
  if (args.kind === 'popularity') {
    artifact = trainPopularity(train, { metadata: { ...metadata, ...(Object.keys(faults).length > 0 && { faults }) } });
  } else {
    artifact = trainAls(train, {
      factors: numberArg('factors', args.factors),
      iterations: numberArg('iterations', args.iterations),
      seed: numberArg('seed', args.seed),
      faults,
      metadata,
      // Progress only on a terminal: carriage returns make a mess of captured logs.
      onIteration: process.stdout.isTTY ? (it) => process.stdout.write(`\riteration ${it}`) : undefined,
    });
    if (process.stdout.isTTY) process.stdout.write('\n');
  }
  console.log(`trained ${args.kind} on ${train.users.length} interactions in ${seconds(start)}`);

  const buf = args.format === 'onnx' && artifact.kind === 'embedding' ? Buffer.from(embeddingAsOnnx(artifact, { [ONNX_METADATA.codeVersion]: 'modelship-train' }).bytes) : encodeArtifact(artifact);
  const out = resolve(args.out);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, buf);
  const sha256 = artifactSha256(buf);
  console.log(`wrote ${out} (${(buf.length / 1024).toFixed(0)} KiB)\nsha256 ${sha256}`);

  const summary: Record<string, unknown> = { out, sha256, bytes: buf.length, kind: args.kind, faults };
  if (split) {
    const heldOut = buildHeldOut(split.train, split.test);
    const opts = { k: 10, excludeSeen: true };
    const model = await evaluate(createScorer(artifact), heldOut, opts);
    const baseline = await evaluate(createScorer(trainPopularity(split.train)), heldOut, opts);
    console.log(`\nleave-last-${holdout} hold-out, ${model.users} users, K=10, seen items excluded`);
    console.log('metric      model    popularity  verdict');
    for (const v of compareToBaseline(model, baseline).verdicts) {
      console.log(`${v.metric.padEnd(10)}  ${v.candidate.toFixed(4)}   ${v.baseline.toFixed(4)}      ${v.verdict}`);
    }
    summary.ndcg10 = Number(model.ndcg.toFixed(4));
    summary.ndcg10_popularity = Number(baseline.ndcg.toFixed(4));
  }
  console.log(JSON.stringify(summary));
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
