/**
 * Runs a slice of the benchmark's cells and prints one JSON line of results: the parent process spreads cells over
 * the machine's cores this way.
 */
import { parseArgs } from 'node:util';
import { rolloutSchema } from '../../../src/contracts/pipeline-spec';
import { durationMs } from '../../../src/contracts/primitives';
import { mulberry32 } from '../../../src/models/prng';
import { CELLS, WORLD, type Cell } from './cells';
import { assignUsers, drawUsers, type Users } from './population';
import { bandsOf, rolloutSteps, runners, shadowSharesOf, type JudgeName, type RolloutResult } from './rollouts';
import { latencyBuckets, type ArmModel } from './traffic';

export interface CellResult {
  index: number;
  judges: Record<JudgeName, RolloutResult[]>;
}

const { values } = parseArgs({ options: { cells: { type: 'string' }, rollouts: { type: 'string' }, seed: { type: 'string' } } });
const indices = values.cells!.split(',').map(Number);
const rollouts = Number(values.rollouts);
const seed = Number(values.seed);
const spec = rolloutSchema.parse(undefined);
/** Today's judges are measured as their users run them: with the stage plan they were tuned for, shadowing 10%. */
const previousSpec = { ...spec, stages: spec.stages.map((s) => (s.kind === 'shadow' ? { ...s, percent: 10 } : s)) };
const specOf = (name: JudgeName) => (name === 'statistical' ? spec : previousSpec);
const rolloutSeconds = rolloutSteps(spec).reduce((s, step) => s + step.windowS, 0);
const service = { errorRate: WORLD.errorRate, latencyMedianMs: WORLD.latencyMedianMs, latencySigma: WORLD.latencySigma };

function runCell(index: number, cell: Cell): CellResult {
  const rng = mulberry32(seed * 1_000_003 + index);
  const stable: ArmModel = { errorRate: service.errorRate, successFactor: 1, latency: latencyBuckets(service, 1) };
  const candidate: ArmModel = {
    errorRate: service.errorRate * cell.effect.effects.errors,
    successFactor: cell.effect.effects.success,
    latency: latencyBuckets(service, cell.effect.effects.latency),
  };
  const judges: CellResult['judges'] = { statistical: [], thresholds: [], kayenta: [] };
  let users: Users | null = null;
  for (let r = 0; r < rollouts; r++) {
    if (r % WORLD.rolloutsPerPopulation === 0) {
      users = drawUsers(rng, { requestsPerSecond: cell.rate, baseSuccess: cell.base, requestsPerUser: WORLD.requestsPerUser, rolloutSeconds, activitySigma: WORLD.activitySigma, concentration: WORLD.concentration });
    }
    const assignment = assignUsers(rng, users!, bandsOf(spec), shadowSharesOf(spec, previousSpec));
    const rolloutSeed = Math.floor(rng() * 2 ** 32);
    for (const name of Object.keys(runners) as JudgeName[]) {
      judges[name].push(runners[name]({ spec: specOf(name), assignment, candidate, stable, seed: rolloutSeed }));
    }
  }
  return { index, judges };
}

const started = Date.now();
const results = indices.map((i) => runCell(i, CELLS[i]));
process.stdout.write(`${JSON.stringify({ results, ms: Date.now() - started, intervalS: durationMs(spec.checkInterval) / 1000 })}\n`);
