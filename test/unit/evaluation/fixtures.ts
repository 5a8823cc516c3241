import type { Check } from '../../../src/contracts/evidence';
import { qualityGateSchema, scenarioGateSchema, validationGateSchema } from '../../../src/contracts/pipeline-spec';
import { runScenarios, validateModel, type RunScenariosInput, type ValidateModelInput } from '../../../src/evaluation';
import { generateSynthetic, leaveLastNSplit, selectRows, trainAls, trainPopularity, typescriptRanker, type Artifact, type Interactions } from '../../../src/models';

/**
 * A small world shared by the gate tests: 300 synthetic users over 2 000 items (so a random ranking
 * scores NDCG@10 near 0.004, below the default floor of 0.01), each user's last 5 interactions held out.
 * 8-factor ALS trains in well under a second.
 */
const data = generateSynthetic({ users: 300, items: 2000, interactionsPerUser: 25, seed: 11 });
export const { train, test: validation } = leaveLastNSplit(data, 5);

const als = { factors: 8, iterations: 6 };
export const good = trainAls(train, { ...als, seed: 1 });
/** As good as `good` but trained from another starting point: different lists, similar quality. */
export const sibling = trainAls(train, { ...als, seed: 2 });
export const shuffled = trainAls(train, { ...als, seed: 1, faults: { shuffleItemFactors: true } });
export const popularity = trainPopularity(train);

export const defaults = {
  validation: validationGateSchema.parse(undefined),
  scenarios: scenarioGateSchema.parse(undefined),
  quality: qualityGateSchema.parse(undefined),
};

/**
 * Scenario thresholds for this small world: heavy users are rarer here than in MovieLens, and latency must not flake
 * on a busy CI machine. Most tests compare with a popularity champion, which ranks far faster than any embedding model.
 */
export const scenarioGate = { ...defaults.scenarios, heavyUserMinInteractions: 50, latencyBudgetP99Ms: 1000, latencyMaxRatio: 1000 };

export const EMPTY: Interactions = { users: new Int32Array(), items: new Int32Array(), ratings: new Float32Array(), timestamps: new Float64Array() };

export function concat(a: Interactions, b: Interactions): Interactions {
  return {
    users: Int32Array.from([...a.users, ...b.users]),
    items: Int32Array.from([...a.items, ...b.items]),
    ratings: Float32Array.from([...a.ratings, ...b.ratings]),
    timestamps: Float64Array.from([...a.timestamps, ...b.timestamps]),
  };
}

export function rowsWhere(data: Interactions, keep: (row: number) => boolean): Interactions {
  return selectRows(data, [...data.users.keys()].filter(keep));
}

/** A copy with some columns transformed value by value. */
export function mapColumns(data: Interactions, change: Partial<{ [K in keyof Interactions]: (value: number) => number }>): Interactions {
  return {
    users: data.users.map(change.users ?? ((v) => v)),
    items: data.items.map(change.items ?? ((v) => v)),
    ratings: data.ratings.map(change.ratings ?? ((v) => v)),
    timestamps: data.timestamps.map(change.timestamps ?? ((v) => v)),
  };
}

export function byName(checks: readonly Check[]): Record<string, Check> {
  return Object.fromEntries(checks.map((c) => [c.name, c]));
}

type WithArtifacts<T> = Omit<T, 'candidate' | 'champion'> & { candidate: Artifact; champion?: Artifact | null };

/** The gates over artifacts, ranked by the TypeScript reference scorer: what these tests hold the gates' logic to. */
export const validate = (input: WithArtifacts<ValidateModelInput>) =>
  validateModel({ ...input, candidate: typescriptRanker(input.candidate), champion: input.champion ? typescriptRanker(input.champion) : null });
export const scenarios = (input: WithArtifacts<RunScenariosInput>) =>
  runScenarios({ ...input, candidate: typescriptRanker(input.candidate), champion: input.champion ? typescriptRanker(input.champion) : null });
