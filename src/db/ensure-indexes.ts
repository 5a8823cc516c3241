import type { Db, IndexDescription } from 'mongodb';

/**
 * Creates the indexes a collection lacks, one at a time. FerretDB 1.24 drops the connection when one createIndexes
 * call names several indexes that all exist already, so existing ones are skipped by name instead of re-declared.
 */
export async function ensureIndexSet(db: Db, collection: string, indexes: IndexDescription[]): Promise<void> {
  const existing = new Set(
    (await db.collection(collection).listIndexes().toArray().catch(() => [])).map((i: { name?: string }) => i.name),
  );
  for (const index of indexes) {
    if (!index.name) throw new Error(`${collection}: every index needs a name, so start-up can tell whether it exists`);
    if (!existing.has(index.name)) await db.collection(collection).createIndexes([index]);
  }
}
