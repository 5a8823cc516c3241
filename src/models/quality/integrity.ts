import type { Interactions } from '../data/interactions';
import type { Finding } from './findings';

export interface IntegrityOptions {
  /** Inclusive bounds on ratings; defaults to MovieLens' [0.5, 5]. */
  ratingRange?: [number, number];
  /** How many offending rows to list per finding. */
  maxExamples?: number;
}

/**
 * Checks an interactions dataset before training: column schema, empty data, non-finite or
 * out-of-range values, and duplicated events. Returns findings, most fundamental first; an empty
 * list means the data passed.
 */
export function checkInteractions(data: Interactions, options: IntegrityOptions = {}): Finding[] {
  const schema = checkSchema(data);
  if (schema) return [schema];
  const n = data.users.length;
  if (n === 0) return [{ check: 'empty', severity: 'error', message: 'dataset has no interactions' }];

  const maxExamples = options.maxExamples ?? 5;
  const [minRating, maxRating] = options.ratingRange ?? [0.5, 5];
  const findings: Finding[] = [];
  const report = (check: string, severity: Finding['severity'], rows: number[], what: string) => {
    if (rows.length > 0) {
      findings.push({
        check,
        severity,
        message: `${rows.length} of ${n} rows ${what}`,
        count: rows.length,
        examples: rows.slice(0, maxExamples),
      });
    }
  };

  const nonFinite: number[] = [];
  const outOfRange: number[] = [];
  const badTime: number[] = [];
  for (let r = 0; r < n; r++) {
    const rating = data.ratings[r];
    const time = data.timestamps[r];
    if (!Number.isFinite(rating) || !Number.isFinite(time)) nonFinite.push(r);
    else if (rating < minRating || rating > maxRating) outOfRange.push(r);
    else if (time < 0 || !Number.isInteger(time)) badTime.push(r);
  }
  report('non_finite', 'error', nonFinite, 'have a missing (NaN) or infinite rating or timestamp');
  report('rating_out_of_range', 'error', outOfRange, `have a rating outside [${minRating}, ${maxRating}]`);
  report('bad_timestamp', 'error', badTime, 'have a negative or fractional timestamp');

  const { duplicates, repeats } = findRepeats(data);
  // Identical events point at double ingestion; re-rating an item later is legitimate behaviour.
  report('duplicate_event', 'error', duplicates, 'repeat an earlier (user, item, timestamp) event');
  report('repeated_pair', 'info', repeats, 'repeat a (user, item) pair at a different time');
  return findings;
}

function checkSchema(data: Interactions): Finding | undefined {
  const expected: [keyof Interactions, new (length: number) => ArrayLike<number>][] = [
    ['users', Int32Array],
    ['items', Int32Array],
    ['ratings', Float32Array],
    ['timestamps', Float64Array],
  ];
  const problems: string[] = [];
  for (const [column, type] of expected) {
    if (!(data[column] instanceof type)) problems.push(`${column} must be a ${type.name}`);
  }
  if (problems.length === 0) {
    const lengths = expected.map(([column]) => data[column].length);
    if (new Set(lengths).size > 1) problems.push(`column lengths differ: ${lengths.join(', ')}`);
  }
  if (problems.length === 0) return undefined;
  return { check: 'schema', severity: 'error', message: problems.join('; ') };
}

/** Sorts row indices by (user, item, timestamp) so that repeats become neighbours. */
function findRepeats(data: Interactions): { duplicates: number[]; repeats: number[] } {
  const { users, items, timestamps } = data;
  const order = Int32Array.from(users.keys());
  order.sort((a, b) => users[a] - users[b] || items[a] - items[b] || timestamps[a] - timestamps[b] || a - b);
  const duplicates: number[] = [];
  const repeats: number[] = [];
  for (let i = 1; i < order.length; i++) {
    const a = order[i - 1];
    const b = order[i];
    if (users[a] !== users[b] || items[a] !== items[b]) continue;
    (timestamps[a] === timestamps[b] ? duplicates : repeats).push(b);
  }
  return { duplicates: duplicates.sort((x, y) => x - y), repeats: repeats.sort((x, y) => x - y) };
}
