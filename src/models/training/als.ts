import type { ArtifactMetadata, EmbeddingArtifact, FaultSettings } from '../artifact/format';
import type { Interactions } from '../data/interactions';
import { gaussian, mulberry32, permutation } from '../prng';
import { solveHalfStep } from './cg-solver';
import { buildIdIndex } from './id-index';
import { itemPopularity } from './popularity';
import { buildCsrPair } from './sparse';

/** Deliberate defects, for exercising the deployment pipeline's gates and canaries. */
export interface TrainingFaults {
  /** Permute item factor rows after training: a valid artifact with near-random recommendations. */
  shuffleItemFactors?: boolean;
  /**
   * Share in [0, 1] of item factor rows, picked at random, that swap places among themselves: a valid artifact that is
   * worse online by a chosen amount instead of useless. Every picked row moves; 1 moves them all.
   */
  shuffledItemShare?: number;
  /** Recorded in metadata; the serving layer adds this delay to each request. */
  addedLatencyMs?: number;
  /** Recorded in metadata; the serving layer fails this share of requests. */
  failureRate?: number;
  /** Recorded in metadata; the failures start only after this many requests on a replica. */
  failAfterRequests?: number;
}

export interface AlsOptions {
  factors?: number;
  iterations?: number;
  /** L2 penalty lambda on both sides. */
  regularization?: number;
  /** Confidence slope: c = 1 + alpha * w, w being 1 ('binary') or the rating ('rating'). */
  alpha?: number;
  weighting?: 'binary' | 'rating';
  cgSteps?: number;
  seed?: number;
  faults?: TrainingFaults;
  metadata?: ArtifactMetadata;
  /** Progress hook, e.g. for logging; not recorded in the artifact. */
  onIteration?: (iteration: number) => void;
}

/** Chosen on a validation split nested inside the training part of ml-latest-small (docs/model-quality.md). */
export const ALS_DEFAULTS = {
  factors: 64,
  iterations: 12,
  regularization: 20,
  alpha: 1,
  weighting: 'rating',
  cgSteps: 3,
  seed: 1,
} as const;

/**
 * Implicit-feedback matrix factorisation by alternating least squares with conjugate-gradient
 * solves. Single-threaded and seeded: the same data and options give the same bytes, hence the same
 * artifact sha256. Every interaction counts as a positive; the rating only scales its confidence.
 */
export function trainAls(data: Interactions, options: AlsOptions = {}): EmbeddingArtifact {
  const factors = options.factors ?? ALS_DEFAULTS.factors;
  const iterations = options.iterations ?? ALS_DEFAULTS.iterations;
  const regularization = options.regularization ?? ALS_DEFAULTS.regularization;
  const alpha = options.alpha ?? ALS_DEFAULTS.alpha;
  const weighting = options.weighting ?? ALS_DEFAULTS.weighting;
  const cgSteps = options.cgSteps ?? ALS_DEFAULTS.cgSteps;
  const seed = options.seed ?? ALS_DEFAULTS.seed;
  if (!Number.isInteger(factors) || factors < 1) throw new RangeError(`factors must be a positive integer, got ${factors}`);
  if (data.users.length === 0) throw new RangeError('cannot train on an empty dataset');
  const faults = options.faults ?? {};
  const share = faults.shuffledItemShare;
  if (share !== undefined && !(share >= 0 && share <= 1)) throw new RangeError(`faults.shuffledItemShare must be a number in [0, 1], got ${share}`);

  const users = buildIdIndex(data.users);
  const items = buildIdIndex(data.items);
  const n = data.users.length;
  const userIndex = new Int32Array(n);
  const itemIndex = new Int32Array(n);
  const weight = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    userIndex[r] = users.indexOf.get(data.users[r])!;
    itemIndex[r] = items.indexOf.get(data.items[r])!;
    weight[r] = alpha * (weighting === 'rating' ? data.ratings[r] : 1);
  }
  const { byUser, byItem } = buildCsrPair(userIndex, itemIndex, weight, users.ids.length, items.ids.length);

  const rng = mulberry32(seed);
  // Small random start: large initial factors would dominate the ridge term in the first sweeps.
  const init = (rows: number) => Float64Array.from({ length: rows * factors }, () => 0.01 * gaussian(rng));
  const X = init(users.ids.length);
  const Y = init(items.ids.length);
  for (let it = 0; it < iterations; it++) {
    solveHalfStep(X, Y, byUser, factors, regularization, cgSteps);
    solveHalfStep(Y, X, byItem, factors, regularization, cgSteps);
    options.onIteration?.(it + 1);
  }

  const itemFactors = Float32Array.from(Y);
  if (faults.shuffleItemFactors) shuffleRows(itemFactors, factors, seed);
  if (share !== undefined) shuffleShareOfRows(itemFactors, factors, share, seed);

  return {
    kind: 'embedding',
    dims: factors,
    userIds: users.ids,
    itemIds: items.ids,
    userFactors: Float32Array.from(X),
    itemFactors,
    popularity: itemPopularity(data, items.ids),
    metadata: {
      ...options.metadata,
      training: {
        algorithm: 'implicit-als-cg',
        factors,
        iterations,
        regularization,
        alpha,
        weighting,
        cgSteps,
        seed,
        users: users.ids.length,
        items: items.ids.length,
        interactions: n,
      },
      ...faultMetadata(faults),
    },
  };
}

/** Permutes whole rows, so the artifact stays valid and keeps its statistics, only the meaning is lost. */
function shuffleRows(matrix: Float32Array, dims: number, seed: number): void {
  const source = matrix.slice();
  // A different stream from initialisation, so the permutation is not correlated with the start.
  const order = permutation(matrix.length / dims, mulberry32(seed ^ 0x5f3759df));
  order.forEach((from, to) => matrix.set(source.subarray(from * dims, (from + 1) * dims), to * dims));
}

/**
 * Picks round(share x rows) rows at random and rotates their contents one step along the random pick order: the picked
 * rows form a single cycle, so every one of them (when there are two or more) ends up elsewhere, which makes the damaged
 * share exactly the requested one rather than a permutation's expected count minus its fixed points.
 */
function shuffleShareOfRows(matrix: Float32Array, dims: number, share: number, seed: number): void {
  const rows = matrix.length / dims;
  const source = matrix.slice();
  // Its own stream, so the rows picked do not echo the full shuffle's permutation or the initialisation.
  const picked = permutation(rows, mulberry32(seed ^ 0x2545f491)).subarray(0, Math.round(share * rows));
  picked.forEach((to, i) => {
    const from = picked[(i + 1) % picked.length];
    matrix.set(source.subarray(from * dims, (from + 1) * dims), to * dims);
  });
}

function faultMetadata(faults: TrainingFaults): { faults?: FaultSettings } {
  const recorded: FaultSettings = {};
  if (faults.shuffleItemFactors) recorded.shuffleItemFactors = true;
  if (faults.shuffledItemShare !== undefined) recorded.shuffledItemShare = faults.shuffledItemShare;
  if (faults.addedLatencyMs !== undefined) recorded.addedLatencyMs = faults.addedLatencyMs;
  if (faults.failureRate !== undefined) recorded.failureRate = faults.failureRate;
  if (faults.failAfterRequests !== undefined) recorded.failAfterRequests = faults.failAfterRequests;
  return Object.keys(recorded).length > 0 ? { faults: recorded } : {};
}
