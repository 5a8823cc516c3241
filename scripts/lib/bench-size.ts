/**
 * Sizes of the benchmarks that take them from the environment, and their quick mode: `--quick` runs the same
 * measurements at small sizes and few repeats, to check that a benchmark runs end to end, not to measure.
 */
import { parseArgs } from 'node:util';

/** Whether `--quick` was given; any other flag is refused, naming it. */
export function quickFlag(): boolean {
  const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false } } });
  return values.quick === true;
}

/** The whole number in `process.env[name]`, else the full or the quick default. */
export function sizeFromEnv(name: string, quick: boolean, sizes: { full: number; quick: number }, min = 1): number {
  const given = process.env[name];
  const value = given === undefined || given === '' ? (quick ? sizes.quick : sizes.full) : Number(given);
  if (!Number.isInteger(value) || value < min) throw new Error(`${name} must be a whole number of at least ${min}, not '${given}'`);
  return value;
}
