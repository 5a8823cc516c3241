import { emptyCounters, type KpiBucketDoc, type KpiCounters } from '../contracts/kpi';

/** Stored form of the latency histogram: a sub-document keyed by bucket index, because `$inc` on `latency.3` of a
 *  document being upserted creates an object, not an array. */
export type StoredBucket = Omit<KpiBucketDoc, 'latency'> & { latency?: Record<string, number> };

export function incrementsOf(c: KpiCounters): Record<string, number> {
  const inc: Record<string, number> = {};
  for (const [key, value] of Object.entries(c)) {
    if (key === 'latency') continue;
    if (value !== 0) inc[key] = value as number;
  }
  c.latency.forEach((n, i) => {
    if (n !== 0) inc[`latency.${i}`] = n;
  });
  return inc;
}

export function countersOf(doc: StoredBucket): KpiCounters {
  const c = emptyCounters();
  for (const key of Object.keys(c) as (keyof KpiCounters)[]) {
    if (key !== 'latency' && typeof doc[key] === 'number') (c[key] as number) = doc[key] as number;
  }
  for (const [i, n] of Object.entries(doc.latency ?? {})) c.latency[Number(i)] = n;
  return c;
}
