import { ARRAY_FIELDS, emptyCounters, type KpiBucketDoc, type KpiCounters } from '../contracts/kpi';

type ArrayField = (typeof ARRAY_FIELDS)[number];
const isArrayField = (key: string): key is ArrayField => (ARRAY_FIELDS as readonly string[]).includes(key);

/** Stored form of the histogram and the shard counters: sub-documents keyed by index, because `$inc` on `latency.3` of
 *  a document being upserted creates an object, not an array. */
export type StoredBucket = Omit<KpiBucketDoc, ArrayField> & Partial<Record<ArrayField, Record<string, number>>>;

export function incrementsOf(c: KpiCounters): Record<string, number> {
  const inc: Record<string, number> = {};
  for (const [key, value] of Object.entries(c)) {
    if (isArrayField(key)) continue;
    if (value !== 0) inc[key] = value as number;
  }
  for (const field of ARRAY_FIELDS) {
    c[field].forEach((n, i) => {
      if (n !== 0) inc[`${field}.${i}`] = n;
    });
  }
  return inc;
}

export function countersOf(doc: StoredBucket): KpiCounters {
  const c = emptyCounters();
  for (const key of Object.keys(c) as (keyof KpiCounters)[]) {
    if (!isArrayField(key) && typeof doc[key] === 'number') (c[key] as number) = doc[key] as number;
  }
  for (const field of ARRAY_FIELDS) {
    for (const [i, n] of Object.entries(doc[field] ?? {})) c[field][Number(i)] = n;
  }
  return c;
}

/** Counters as a stored bucket holds them, zeros left out: what `countersOf` reads back. */
export function storedOf(c: KpiCounters): Partial<StoredBucket> {
  const out: Record<string, number | Record<string, number>> = {};
  for (const [key, value] of Object.entries(incrementsOf(c))) {
    const [name, index] = key.split('.');
    if (index === undefined) out[name!] = value;
    else ((out[name!] ??= {}) as Record<string, number>)[index] = value;
  }
  return out as Partial<StoredBucket>;
}
