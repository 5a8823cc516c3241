import type { Db } from 'mongodb';
import type { StoredBucket } from '../../src/kpis/bucket-codec';
import { parseCollectionName } from '../../src/kpis/levels';

/**
 * Every per-second KPI document of a model as the replicas wrote it, read straight from its collections (a scan,
 * which tests may afford), so tests check what was stored without going through the store's own reader.
 */
export async function secondDocs(db: Db, model: string, version?: string): Promise<StoredBucket[]> {
  const names = (await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name);
  const ours = names.filter((n) => {
    const parsed = parseCollectionName(n);
    return parsed?.model === model && parsed.level.name === '1s';
  });
  const docs = (await Promise.all(ours.map((n) => db.collection<StoredBucket>(n).find({}).toArray()))).flat();
  return version === undefined ? docs : docs.filter((d) => d.version === version);
}
