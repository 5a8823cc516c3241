import type { Collection } from 'mongodb';
import { lastNumbered, readAllNumbered, readNumbered } from '../../../src/db/numbered-list';

type Doc = { _id: string; n: number };

/** A collection that answers findOne by `_id` only, as the lists use it, and counts the reads. */
function listOf(length: number) {
  const docs = new Map(Array.from({ length }, (_, i) => [`row-${i + 1}`, { _id: `row-${i + 1}`, n: i + 1 }]));
  const reads: string[] = [];
  const collection = {
    findOne: async (filter: { _id: string }) => {
      reads.push(filter._id);
      return docs.get(filter._id) ?? null;
    },
  } as unknown as Collection<Doc>;
  return { collection, reads };
}
const id = (n: number) => `row-${n}`;

describe('readNumbered', () => {
  it('reads in order up to the first missing number, one read each', async () => {
    const { collection, reads } = listOf(5);
    expect((await readNumbered(collection, id, 2)).map((d) => d.n)).toEqual([3, 4, 5]);
    expect(reads).toEqual(['row-3', 'row-4', 'row-5', 'row-6']);
  });

  it('stops at max without reading further', async () => {
    const { collection, reads } = listOf(50);
    expect((await readNumbered(collection, id, 0, 3)).map((d) => d.n)).toEqual([1, 2, 3]);
    expect(reads).toHaveLength(3);
  });
});

describe('lastNumbered', () => {
  it.each([0, 1, 2, 3, 7, 8, 9, 1000, 65_537])('finds the last of %i documents from 0', async (length) => {
    const { collection, reads } = listOf(length);
    const { n, doc } = await lastNumbered(collection, id, 0);
    expect(n).toBe(length);
    expect(doc?.n ?? 0).toBe(length);
    // Logarithmic: doubling to the first miss, then halving the gap.
    expect(reads.length).toBeLessThanOrEqual(2 * Math.ceil(Math.log2(length + 2)) + 1);
  });

  it('returns no document when nothing follows the known place', async () => {
    const { collection, reads } = listOf(40);
    expect(await lastNumbered(collection, id, 40)).toEqual({ n: 40, doc: null });
    expect(reads).toEqual(['row-41']);
  });
});

describe('readAllNumbered', () => {
  it.each([0, 1, 15, 16, 17, 100])('reads all %i documents in order', async (length) => {
    const { collection } = listOf(length);
    expect((await readAllNumbered(collection, id, 0)).map((d) => d.n)).toEqual(Array.from({ length }, (_, i) => i + 1));
  });

  it('reads from a known place to the end', async () => {
    const { collection } = listOf(40);
    expect((await readAllNumbered(collection, id, 35)).map((d) => d.n)).toEqual([36, 37, 38, 39, 40]);
  });
});
