import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Interactions } from './interactions';
import { readMovieLensCsv } from './movielens';
import { generateSynthetic, type SyntheticOptions } from './synthetic';

export interface RatingsSource {
  interactions: Interactions;
  /** Where the data came from, for reports: the CSV path, or the synthetic generator's settings. */
  source: { kind: 'movielens'; path: string } | { kind: 'synthetic'; options: SyntheticOptions };
}

/**
 * Loads a ratings CSV (a file, or a directory holding ratings.csv). When no path was requested and
 * the default one is absent, falls back to synthetic data so scripts and demos run on any machine;
 * a path the caller asked for explicitly must exist.
 */
export async function loadRatingsOrSynthetic(
  requested: string | undefined,
  defaultPath: string,
  synthetic: SyntheticOptions,
): Promise<RatingsSource> {
  const candidate = requested ?? defaultPath;
  const path = existsSync(candidate) && statSync(candidate).isDirectory() ? join(candidate, 'ratings.csv') : candidate;
  if (existsSync(path)) {
    const { interactions } = await readMovieLensCsv(path);
    return { interactions, source: { kind: 'movielens', path } };
  }
  if (requested !== undefined) throw new Error(`ratings file not found: ${path}`);
  return { interactions: generateSynthetic(synthetic), source: { kind: 'synthetic', options: synthetic } };
}
