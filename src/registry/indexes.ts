import type { Db, IndexDescription } from 'mongodb';
import { ensureAuditIndexes } from '../audit/indexes';
import { ensureIndexSet } from '../db/ensure-indexes';
import { ALIAS_HISTORY, registryCollections, VERSION_TRANSITIONS } from './collections';
import { backfillVersionLists } from './version-list';
import { BUCKETS } from './schemas';

/*
 * Only index options FerretDB 1.x supports: plain, compound and unique. It refuses partialFilterExpression, and it
 * does not treat a missing field as null in a unique index the way MongoDB does, so no unique index here may cover
 * an optional field.
 */
const REGISTRY_INDEXES: Record<string, IndexDescription[]> = {
  // The compare-and-set key of status transitions (also encoded in _id; declared so the invariant is visible).
  [VERSION_TRANSITIONS]: [{ key: { model: 1, version: 1, revision: 1 }, name: 'version_revision', unique: true }],
  [ALIAS_HISTORY]: [
    // The compare-and-set key of alias moves, likewise.
    { key: { model: 1, alias: 1, revision: 1 }, name: 'alias_revision', unique: true },
    { key: { model: 1, alias: 1, at: 1 }, name: 'alias_at' },
    { key: { model: 1, alias: 1, key: 1 }, name: 'alias_key' },
  ],
  ...Object.fromEntries(
    BUCKETS.flatMap((bucket) => [
      [
        `${bucket}.files`,
        [
          // Content addressing: one file per sha256.
          { key: { filename: 1 }, name: 'content_address', unique: true },
          { key: { filename: 1, uploadDate: 1 }, name: 'filename_1_uploadDate_1' },
        ],
      ],
      [`${bucket}.chunks`, [{ key: { files_id: 1, n: 1 }, name: 'files_id_1_n_1', unique: true }]],
    ]),
  ),
};

/** Creates the registry's collections' indexes; safe to call at every start-up. */
export async function ensureRegistryIndexes(db: Db): Promise<void> {
  for (const [collection, indexes] of Object.entries(REGISTRY_INDEXES)) await ensureIndexSet(db, collection, indexes);
  await backfillVersionLists(registryCollections(db));
}

/** Every index modelship's registry and audit log rely on. */
export async function ensureIndexes(db: Db): Promise<void> {
  await ensureRegistryIndexes(db);
  await ensureAuditIndexes(db);
}
