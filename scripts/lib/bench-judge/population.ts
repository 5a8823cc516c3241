/**
 * Simulated users. Activity is log-normal (heavy users dominate), and each user has a success propensity of their
 * own drawn from a beta distribution around the base rate, so successes are correlated within a user. Users keep
 * their routing bucket and their KPI shard for the whole rollout, as the gateway's hashes keep them.
 *
 * Given its users, a shard's counts in a check are sums of independent per-user Poisson counts, hence Poisson with
 * the summed means: simulating per shard and check is exact, not an approximation.
 */
import { KPI_SHARDS } from '../../../src/contracts/kpi';
import { gaussian, type Rng } from '../../../src/models/prng';
import { beta } from './random';

export interface PopulationSpec {
  requestsPerSecond: number;
  baseSuccess: number;
  /** Mean requests per user over a full rollout: fixes how many distinct users there are. */
  requestsPerUser: number;
  rolloutSeconds: number;
  /** Spread of log activity: 1 puts about a third of the requests on the top tenth of users. */
  activitySigma: number;
  /** Beta concentration of per-user success propensities: the within-user correlation is about 1 / (1 + this). */
  concentration: number;
}

export interface Users {
  rate: Float64Array;
  success: Float64Array;
}

export function drawUsers(rng: Rng, spec: PopulationSpec): Users {
  const n = Math.max(50, Math.round((spec.requestsPerSecond * spec.rolloutSeconds) / spec.requestsPerUser));
  const rate = new Float64Array(n);
  const success = new Float64Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    rate[i] = Math.exp(spec.activitySigma * gaussian(rng));
    total += rate[i];
    success[i] = beta(rng, spec.concentration * spec.baseSuccess, spec.concentration * (1 - spec.baseSuccess));
  }
  for (let i = 0; i < n; i++) rate[i] *= spec.requestsPerSecond / total;
  return { rate, success };
}

/** Per shard and routing band: summed request rate and summed rate of successes. */
export interface Assignment {
  bands: number[];
  rate: Float64Array;
  successRate: Float64Array;
  /** Per shadow share, per shard: the request rate of users inside that share. */
  shadowRate: Map<number, Float64Array>;
  users: Int32Array;
}

export const cell = (shard: number, band: number, bands: number) => shard * bands + band;

/** Places every user in a shard, a routing band and a shadow position at random, as the hashes do; `bands` are the
 *  traffic stages' shares in ascending order, ending at 1. */
export function assignUsers(rng: Rng, users: Users, bands: number[], shadowShares: number[]): Assignment {
  const cells = KPI_SHARDS * bands.length;
  const rate = new Float64Array(cells);
  const successRate = new Float64Array(cells);
  const shadow = shadowShares.map(() => new Float64Array(KPI_SHARDS));
  const perBand = new Int32Array(bands.length);
  const lastBand = bands.length - 1;
  for (let i = 0; i < users.rate.length; i++) {
    // One 32-bit draw per user, split into independent fields: 5 bits of shard, 10 of shadow position, 17 of band.
    const bits = rng() * 4294967296;
    const shard = bits & (KPI_SHARDS - 1);
    const shadowPosition = ((bits >>> 5) & 1023) / 1024;
    const position = (bits >>> 15) / 131072;
    let band = 0;
    while (band < lastBand && position >= bands[band]) band++;
    const c = shard * bands.length + band;
    const r = users.rate[i];
    rate[c] += r;
    successRate[c] += r * users.success[i];
    perBand[band]++;
    for (let k = 0; k < shadowShares.length; k++) if (shadowPosition < shadowShares[k]) shadow[k][shard] += r;
  }
  return { bands, rate, successRate, shadowRate: new Map(shadowShares.map((share, k) => [share, shadow[k]])), users: perBand };
}
