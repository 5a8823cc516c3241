import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  buildHeldOut,
  DatasetFormatError,
  generateSynthetic,
  globalTimeSplit,
  leaveLastNSplit,
  loadRatingsOrSynthetic,
  readMovieLensCsv,
  writeCsv,
  type Interactions,
} from '../../../src/models';

let dir: string;
beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'modelship-data-'))));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function csv(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

function rows(data: Interactions): number[][] {
  return Array.from(data.users, (u, r) => [u, data.items[r], data.ratings[r], data.timestamps[r]]);
}

function table(rowsIn: number[][]): Interactions {
  return {
    users: Int32Array.from(rowsIn.map((r) => r[0])),
    items: Int32Array.from(rowsIn.map((r) => r[1])),
    ratings: Float32Array.from(rowsIn.map((r) => r[2])),
    timestamps: Float64Array.from(rowsIn.map((r) => r[3])),
  };
}

describe('readMovieLensCsv', () => {
  it('reads typed columns, tolerating a BOM, CRLF and blank lines', async () => {
    const path = csv('ok.csv', '\uFEFFuserId,movieId,rating,timestamp\r\n1,31,2.5,1260759144\r\n1,1029,3.0,1260759179\r\n\r\n7,3,5,964982703\r\n');
    const { interactions, rejected } = await readMovieLensCsv(path);
    expect(interactions.users).toBeInstanceOf(Int32Array);
    expect(interactions.ratings).toBeInstanceOf(Float32Array);
    expect(interactions.timestamps).toBeInstanceOf(Float64Array);
    expect(rows(interactions)).toEqual([
      [1, 31, 2.5, 1260759144],
      [1, 1029, 3, 1260759179],
      [7, 3, 5, 964982703],
    ]);
    expect(rejected).toEqual([]);
  });

  it.each([
    ['1,31,2.5', 'row', 'expected 4 fields, found 3'],
    ['x,31,2.5,1', 'userId', 'not a 32-bit integer id'],
    ['1,3000000000,2.5,1', 'movieId', 'not a 32-bit integer id'],
    ['1,31,,1', 'rating', 'not a decimal number'],
    ['1,31,NaN,1', 'rating', 'not a decimal number'],
    ['1,31,7.5,1', 'rating', 'outside [0.5, 5]'],
    ['1,31,2.5,-4', 'timestamp', 'not a non-negative integer'],
    ['1,31,2.5,12.5', 'timestamp', 'not a non-negative integer'],
  ])('rejects %j with line number and field %s', async (bad, field, detail) => {
    const path = csv('bad.csv', `userId,movieId,rating,timestamp\n1,1,4.0,10\n${bad}\n`);
    const err = await readMovieLensCsv(path).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DatasetFormatError);
    expect(err).toMatchObject({ line: 3, field });
    expect((err as Error).message).toContain(`line 3, field ${field}: ${detail}`);
  });

  it('rejects a wrong header and an empty file', async () => {
    await expect(readMovieLensCsv(csv('h.csv', 'user,item,rating,ts\n1,1,1,1\n'))).rejects.toMatchObject({ line: 1, field: 'header' });
    await expect(readMovieLensCsv(csv('e.csv', ''))).rejects.toMatchObject({ line: 1, field: 'header' });
  });

  it('can skip bad rows and report them', async () => {
    const path = csv('skip.csv', 'userId,movieId,rating,timestamp\n1,1,4.0,10\n1,2,9,11\n2,2,1.5,12\nnope\n');
    const { interactions, rejected } = await readMovieLensCsv(path, { invalidRows: 'skip' });
    expect(rows(interactions)).toEqual([
      [1, 1, 4, 10],
      [2, 2, 1.5, 12],
    ]);
    expect(rejected.map((e) => [e.line, e.field])).toEqual([
      [3, 'rating'],
      [5, 'row'],
    ]);
  });
});

describe('splits', () => {
  // user 1: times 5, 1, 3, 3 (rows 0-3); user 2: a single row; user 3: two rows.
  const data = table([
    [1, 10, 4, 5],
    [1, 11, 4, 1],
    [1, 12, 4, 3],
    [1, 13, 4, 3],
    [2, 10, 3, 2],
    [3, 14, 5, 8],
    [3, 10, 2, 9],
  ]);

  it('leave-last-N holds out each user\'s latest rows, ties broken by file order', () => {
    const { train, test } = leaveLastNSplit(data, 2);
    // user 1 sorted: row1 (t1), row2 (t3), row3 (t3), row0 (t5) -> rows 3 and 0 held out.
    expect(rows(test)).toEqual([
      [1, 10, 4, 5],
      [1, 13, 4, 3],
    ]);
    expect(rows(train).map((r) => r[1])).toEqual([11, 12, 10, 14, 10]);
    expect(rows(leaveLastNSplit(data, 1).test)).toEqual([
      [1, 10, 4, 5],
      [3, 10, 2, 9],
    ]);
  });

  it('is deterministic and independent of row order', () => {
    const reversed = table(rows(data).reverse());
    const a = leaveLastNSplit(data, 1);
    const b = leaveLastNSplit(reversed, 1);
    expect(rows(a.test).sort()).toEqual(rows(b.test).sort());
    expect(rows(leaveLastNSplit(data, 1).train)).toEqual(rows(a.train));
  });

  it('global time cut, explicit or by fraction', () => {
    const cut = globalTimeSplit(data, { cutTimestamp: 5 });
    expect(rows(cut.test).map((r) => r[3])).toEqual([5, 8, 9]);
    expect(rows(cut.train).map((r) => r[3])).toEqual([1, 3, 3, 2]);
    // sorted times 1 2 3 3 5 8 9; fraction 0.3 -> cut at sorted[floor(0.7 * 7)] = sorted[4] = 5
    expect(globalTimeSplit(data, { testFraction: 0.3 }).cutTimestamp).toBe(5);
    expect(() => globalTimeSplit(data, { testFraction: 1 })).toThrow(RangeError);
  });

  it('buildHeldOut keeps fresh relevant items, honours minRating and train history', () => {
    const { train, test } = globalTimeSplit(data, { cutTimestamp: 5 });
    expect(buildHeldOut(train, test)).toEqual([
      { userId: 1, relevant: [10], seen: [11, 12, 13] },
      { userId: 3, relevant: [14, 10], seen: [] },
    ]);
    expect(buildHeldOut(train, test, { minRating: 4 }).map((u) => [u.userId, u.relevant])).toEqual([
      [1, [10]],
      [3, [14]],
    ]);
    expect(buildHeldOut(train, test, { requireTrainHistory: true }).map((u) => u.userId)).toEqual([1]);
    const rewatch = table([
      [1, 10, 4, 1],
      [1, 10, 4, 2],
    ]);
    expect(buildHeldOut(table([[1, 10, 4, 1]]), rewatch)).toEqual([]);
  });
});

describe('synthetic data', () => {
  it('is deterministic per seed and differs across seeds', () => {
    const a = generateSynthetic({ users: 30, items: 80, seed: 3 });
    const b = generateSynthetic({ users: 30, items: 80, seed: 3 });
    const c = generateSynthetic({ users: 30, items: 80, seed: 4 });
    expect(rows(a)).toEqual(rows(b));
    expect(rows(a)).not.toEqual(rows(c));
  });

  it('has the MovieLens shape: valid ranges, unique pairs, increasing time per user, skewed popularity', () => {
    const data = generateSynthetic({ users: 200, items: 300, seed: 1 });
    const n = data.users.length;
    expect(n).toBeGreaterThan(200 * 20);
    const pairs = new Set<string>();
    const counts = new Map<number, number>();
    const violations: number[] = [];
    for (let r = 0; r < n; r++) {
      const rating = data.ratings[r];
      if (!Number.isInteger(rating * 2) || rating < 0.5 || rating > 5) violations.push(r);
      if (r > 0 && data.users[r] === data.users[r - 1] && data.timestamps[r] <= data.timestamps[r - 1]) violations.push(r);
      pairs.add(`${data.users[r]}:${data.items[r]}`);
      counts.set(data.items[r], (counts.get(data.items[r]) ?? 0) + 1);
    }
    expect(violations).toEqual([]);
    expect(pairs.size).toBe(n);
    const sorted = [...counts.values()].sort((x, y) => y - x);
    const headShare = sorted.slice(0, 30).reduce((s, x) => s + x, 0) / n;
    expect(headShare).toBeGreaterThan(0.2); // the 10 % most popular items draw over a fifth of the traffic
  });

  it('writeCsv output reads back identically', async () => {
    const data = generateSynthetic({ users: 20, items: 50, seed: 9 });
    const path = join(dir, 'synthetic.csv');
    writeCsv(path, data);
    const { interactions } = await readMovieLensCsv(path);
    expect(rows(interactions)).toEqual(rows(data));
  });
});

describe('loadRatingsOrSynthetic', () => {
  const synthetic = { users: 10, items: 40, seed: 5 };

  it('reads a requested file, or ratings.csv inside a requested directory', async () => {
    const sub = join(dir, 'ml');
    mkdirSync(sub);
    writeFileSync(join(sub, 'ratings.csv'), 'userId,movieId,rating,timestamp\n4,2,3.5,100\n');
    const loaded = await loadRatingsOrSynthetic(sub, '/nonexistent/default.csv', synthetic);
    expect(loaded.source).toEqual({ kind: 'movielens', path: join(sub, 'ratings.csv') });
    expect(rows(loaded.interactions)).toEqual([[4, 2, 3.5, 100]]);
  });

  it('falls back to synthetic data only when the default path is absent', async () => {
    const loaded = await loadRatingsOrSynthetic(undefined, join(dir, 'missing.csv'), synthetic);
    expect(loaded.source).toEqual({ kind: 'synthetic', options: synthetic });
    expect(rows(loaded.interactions)).toEqual(rows(generateSynthetic(synthetic)));
    await expect(loadRatingsOrSynthetic(join(dir, 'missing.csv'), join(dir, 'x.csv'), synthetic)).rejects.toThrow('ratings file not found');
  });
});

describe('MovieLens CSV bytes, as stored in the registry', () => {
  it('round-trip through toCsvBytes and readMovieLensCsv', async () => {
    const { generateSynthetic, readMovieLensCsv, toCsvBytes } = await import('../../../src/models');
    const data = generateSynthetic({ users: 30, items: 50, seed: 3 });
    const bytes = toCsvBytes(data);
    expect(bytes.subarray(0, 32).toString()).toBe('userId,movieId,rating,timestamp\n');
    const back = (await readMovieLensCsv(bytes)).interactions;
    expect(Array.from(back.users)).toEqual(Array.from(data.users));
    expect(Array.from(back.items)).toEqual(Array.from(data.items));
    expect(Array.from(back.ratings)).toEqual(Array.from(data.ratings));
    expect(Array.from(back.timestamps)).toEqual(Array.from(data.timestamps));
  });

  it('names the line and field of a bad row in a byte buffer', async () => {
    const { readMovieLensCsv } = await import('../../../src/models');
    const bytes = Buffer.from('userId,movieId,rating,timestamp\n1,2,4.0,100\n1,x,3.0,200\n');
    await expect(readMovieLensCsv(bytes)).rejects.toThrow(/line 3, field movieId/);
  });
});
