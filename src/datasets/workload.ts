import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  buildHeldOut,
  generateSynthetic,
  leaveLastNSplit,
  readMovieLensCsv,
  type HeldOutUser,
  type Interactions,
  type SyntheticOptions,
} from '../models';

/** Where MovieLens ml-latest-small is looked for when no path is given: beside the project checkout. */
export const DEFAULT_MOVIELENS_DIR = resolve(__dirname, '../../../shared/data/ml-latest-small');

export interface Workload {
  source: string;
  all: Interactions;
  train: Interactions;
  test: Interactions;
  heldOut: HeldOutUser[];
}

export interface WorkloadOptions {
  /** 'auto' uses MovieLens when present and synthetic data otherwise; a path names a ratings CSV or its folder. */
  source?: 'auto' | 'synthetic' | string;
  synthetic?: SyntheticOptions;
  /** Each user's last N interactions are held out. */
  holdOut?: number;
}

/** The data a demo, test or benchmark trains on and replays as traffic. */
export async function loadWorkload(options: WorkloadOptions = {}): Promise<Workload> {
  const source = options.source ?? 'auto';
  let all: Interactions;
  let described: string;
  const csv = (dir: string) => (dir.endsWith('.csv') ? dir : join(dir, 'ratings.csv'));
  if (source === 'synthetic' || (source === 'auto' && !existsSync(csv(DEFAULT_MOVIELENS_DIR)))) {
    all = generateSynthetic(options.synthetic);
    described = 'synthetic';
  } else {
    const path = csv(source === 'auto' ? DEFAULT_MOVIELENS_DIR : source);
    all = (await readMovieLensCsv(path)).interactions;
    described = `movielens:${path}`;
  }
  const { train, test } = leaveLastNSplit(all, options.holdOut ?? 5);
  return { source: described, all, train, test, heldOut: buildHeldOut(train, test) };
}
