import type { Collection, Filter } from 'mongodb';

/**
 * Lists kept as documents numbered without gaps (`id(1)`, `id(2)`, ...), read by `_id` alone: the one lookup FerretDB
 * 1.x answers from its primary key, where a query on any other field decodes the whole collection (docs/storage.md).
 */
type Numbered = { _id: string };

const byId = <T extends Numbered>(collection: Collection<T>, id: string) => collection.findOne({ _id: id } as Filter<T>) as Promise<T | null>;

/** The documents after number `from`, in order, up to the first missing or `max` of them: one `_id` read each. */
export async function readNumbered<T extends Numbered>(collection: Collection<T>, id: (n: number) => string, from: number, max = Infinity): Promise<T[]> {
  const out: T[] = [];
  for (let n = from + 1; out.length < max; n++) {
    const doc = await byId(collection, id(n));
    if (!doc) return out;
    out.push(doc);
  }
  return out;
}

/**
 * The last document at or after number `from` (whose document exists, or 0): gallops forward by doubling steps to
 * the first miss, then halves the gap, so the reads grow with the log of how far the list grew, not with its length.
 * `doc` is null when nothing follows `from`.
 */
export async function lastNumbered<T extends Numbered>(collection: Collection<T>, id: (n: number) => string, from: number): Promise<{ n: number; doc: T | null }> {
  let lo = from;
  let loDoc: T | null = null;
  let hi = from + 1;
  for (let step = 1; ; step *= 2) {
    const doc = await byId(collection, id(lo + step));
    if (!doc) {
      hi = lo + step;
      break;
    }
    lo += step;
    loDoc = doc;
  }
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    const doc = await byId(collection, id(mid));
    if (doc) [lo, loDoc] = [mid, doc];
    else hi = mid;
  }
  return { n: lo, doc: loDoc };
}

/** Documents read at once by readAllNumbered. */
const PARALLEL_READS = 16;

/**
 * Every document after number `from`, in order: the end found by galloping, then the documents read by `_id` in
 * parallel batches, so a long list costs a few round trips per batch rather than one per document.
 */
export async function readAllNumbered<T extends Numbered>(collection: Collection<T>, id: (n: number) => string, from: number): Promise<T[]> {
  const { n: end } = await lastNumbered(collection, id, from);
  const out: T[] = [];
  for (let first = from + 1; first <= end; first += PARALLEL_READS) {
    const numbers = Array.from({ length: Math.min(PARALLEL_READS, end - first + 1) }, (_, i) => first + i);
    const docs = await Promise.all(numbers.map((n) => byId(collection, id(n))));
    for (const doc of docs) {
      // A document removed after the end was found ends the list there, as a forward read would.
      if (!doc) return out;
      out.push(doc);
    }
  }
  return out;
}
