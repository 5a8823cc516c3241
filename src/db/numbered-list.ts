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

/**
 * Where a list was last seen to end, kept in a document of its own (`{ _id, [field]: n }`): never above the true end,
 * as it is only ever raised to a number whose document exists. Finding the end from it costs two reads, however long
 * the list, where a gallop from the start costs twice the logarithm of its length.
 */
export class EndHint<F extends string> {
  constructor(
    private readonly heads: Collection<Numbered & Record<F, number>>,
    private readonly id: string,
    private readonly field: F,
  ) {}

  async read(): Promise<number> {
    const doc = (await this.heads.findOne({ _id: this.id } as Filter<Numbered & Record<F, number>>)) as Record<F, number> | null;
    return doc?.[this.field] ?? 0;
  }

  /** Raises the hint to `n`. Two writers may race (FerretDB applies `$max` as read, then write): it may then stay lower, which costs a later reader a few reads. */
  raise(n: number): Promise<unknown> {
    return this.heads.updateOne({ _id: this.id } as Filter<Numbered & Record<F, number>>, { $max: { [this.field]: n } } as never, { upsert: true });
  }

  /** The last document of the list, found from the hint; a reader that finds the end past the hint raises it. */
  async last<T extends Numbered>(list: Collection<T>, id: (n: number) => string): Promise<{ n: number; doc: T | null }> {
    const from = await this.read();
    const last = await lastNumbered(list, id, from);
    if (last.n > from) await this.raise(last.n);
    return last;
  }
}
