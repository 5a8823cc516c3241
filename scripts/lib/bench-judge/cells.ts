/** The benchmark's grid: traffic levels, base success rates and the effects put on the candidate. */
import type { Effects } from './traffic';

export const RATES = [5, 20, 200];
export const BASES = [0.05, 0.2];

export interface EffectCase {
  name: string;
  effects: Effects;
}

export const EFFECTS: EffectCase[] = [
  { name: 'identical', effects: { success: 1, errors: 1, latency: 1 } },
  { name: 'success x0.95', effects: { success: 0.95, errors: 1, latency: 1 } },
  { name: 'success x0.9', effects: { success: 0.9, errors: 1, latency: 1 } },
  { name: 'success x0.8', effects: { success: 0.8, errors: 1, latency: 1 } },
  { name: 'success x0.5', effects: { success: 0.5, errors: 1, latency: 1 } },
  { name: 'errors x2', effects: { success: 1, errors: 2, latency: 1 } },
  { name: 'errors x10', effects: { success: 1, errors: 10, latency: 1 } },
  { name: 'latency +20%', effects: { success: 1, errors: 1, latency: 1.2 } },
  { name: 'latency +100%', effects: { success: 1, errors: 1, latency: 2 } },
];

export interface Cell {
  rate: number;
  base: number;
  effect: EffectCase;
}

export const CELLS: Cell[] = RATES.flatMap((rate) => BASES.flatMap((base) => EFFECTS.map((effect) => ({ rate, base, effect }))));

/** The simulated world, stated once: what the figures assume. */
export const WORLD = {
  errorRate: 0.005,
  latencyMedianMs: 4,
  latencySigma: 0.5,
  requestsPerUser: 20,
  activitySigma: 1,
  concentration: 50,
  /** A population is redrawn after this many rollouts; every rollout places its users anew. */
  rolloutsPerPopulation: 100,
};
