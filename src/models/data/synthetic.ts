import { closeSync, openSync, writeSync } from 'node:fs';
import { gaussian, mulberry32, permutation } from '../prng';
import { TopKHeap } from '../scoring/topk-heap';
import { InteractionsBuilder, type Interactions } from './interactions';
import { MOVIELENS_HEADER } from './movielens';

export interface SyntheticOptions {
  users?: number;
  items?: number;
  /** Dimension of the hidden tastes; a factor model with at least this many factors can recover them. */
  latentDims?: number;
  /** Geometric mean of interactions per user; counts are log-normal around it, like real catalogues. */
  interactionsPerUser?: number;
  /** How strongly taste beats popularity when a user picks items; 0 makes popularity optimal. */
  tasteStrength?: number;
  /** Zipf exponent of the item popularity prior. */
  popularitySkew?: number;
  seed?: number;
  /** Timestamp (seconds) of the earliest possible interaction. */
  startTimestamp?: number;
}

const DAY = 86_400;

/**
 * MovieLens-shaped interactions from a hidden factor model: item choice is weighted by
 * popularity x exp(strength x taste . item), ratings follow the same affinity, and each user's
 * interactions are spread over time so that temporal splits behave as on real data.
 */
export function generateSynthetic(options: SyntheticOptions = {}): Interactions {
  const users = options.users ?? 500;
  const items = options.items ?? 1000;
  const dims = options.latentDims ?? 8;
  const perUser = options.interactionsPerUser ?? 40;
  const strength = options.tasteStrength ?? 2;
  const skew = options.popularitySkew ?? 1;
  const start = options.startTimestamp ?? 1_500_000_000;
  const rng = mulberry32(options.seed ?? 1);

  const itemVectors = new Float64Array(items * dims);
  for (let i = 0; i < itemVectors.length; i++) itemVectors[i] = gaussian(rng) / Math.sqrt(dims);
  const rank = permutation(items, rng);
  const logPopularity = new Float64Array(items);
  for (let i = 0; i < items; i++) logPopularity[i] = -skew * Math.log(rank[i] + 1);

  const builder = new InteractionsBuilder();
  const taste = new Float64Array(dims);
  const affinity = new Float64Array(items);
  const heap = new TopKHeap(items);
  const picked: number[] = [];
  const keys: number[] = [];
  for (let u = 0; u < users; u++) {
    for (let f = 0; f < dims; f++) taste[f] = gaussian(rng);
    const count = Math.min(items >> 1, Math.max(5, Math.round(perUser * Math.exp(0.6 * gaussian(rng)))));

    // Efraimidis-Spirakis: the `count` largest log(U)/w keys are a weighted sample without replacement.
    heap.reset(count);
    for (let i = 0; i < items; i++) {
      let dot = 0;
      for (let f = 0; f < dims; f++) dot += taste[f] * itemVectors[i * dims + f];
      affinity[i] = dot;
      const logWeight = logPopularity[i] + strength * dot;
      heap.offer(i, Math.log(1 - rng()) / Math.exp(logWeight));
    }
    heap.drainInto(picked, keys);

    const order = permutation(picked.length, rng);
    let time = start + Math.floor(rng() * 365 * DAY);
    for (let j = 0; j < picked.length; j++) {
      const item = picked[order[j]];
      time += 1 + Math.floor(-Math.log(1 - rng()) * 3600);
      const raw = 3 + 1.5 * affinity[item] + 0.5 * gaussian(rng);
      const rating = Math.min(5, Math.max(0.5, Math.round(raw * 2) / 2));
      builder.push(u + 1, item + 1, rating, time);
    }
  }
  return builder.build();
}

/** Interactions as the lines of a MovieLens ratings CSV, header first, readable back by readMovieLensCsv. */
function* csvLines(data: Interactions): Generator<string> {
  yield `${MOVIELENS_HEADER}\n`;
  for (let r = 0; r < data.users.length; r++) {
    const rating = data.ratings[r];
    // MovieLens writes whole stars as "4.0"; anything finer keeps the shortest exact form.
    const ratingText = Number.isInteger(rating * 2) ? rating.toFixed(1) : String(rating);
    yield `${data.users[r]},${data.items[r]},${ratingText},${data.timestamps[r]}\n`;
  }
}

/** The bytes of a MovieLens ratings CSV, as the registry stores datasets. */
export function toCsvBytes(data: Interactions): Buffer {
  return Buffer.from([...csvLines(data)].join(''), 'utf8');
}

/** Writes interactions as a MovieLens ratings CSV file. */
export function writeCsv(path: string, data: Interactions): void {
  const fd = openSync(path, 'w');
  try {
    const chunk: string[] = [];
    for (const line of csvLines(data)) {
      chunk.push(line);
      if (chunk.length === 10_000) writeSync(fd, chunk.splice(0).join(''));
    }
    writeSync(fd, chunk.join(''));
  } finally {
    closeSync(fd);
  }
}
