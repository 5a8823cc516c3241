import { MongoBulkWriteError } from 'mongodb';
import { isDuplicateKeyError } from '../db/duplicate-key';
import { lastNumbered } from '../db/numbered-list';
import { versionListId, type RegistryCollections } from './collections';

/**
 * Each model's versions in the order they were registered, so that listing a model's newest versions reads that model's
 * list by `_id` from its end, never the versions of every model (docs/storage.md).
 *
 * A registration claims the next place before it inserts the version: a version is never registered without a place.
 * A registration that stops in between, or is refused as a duplicate, leaves a place naming a version that is not
 * registered or is listed already; readers skip both.
 */
export async function claimPlace(cols: RegistryCollections, model: string, version: string): Promise<void> {
  for (let from = 0; ; ) {
    const end = (await lastNumbered(cols.versionLists, (k) => versionListId(model, k), from)).n;
    try {
      await cols.versionLists.insertOne({ _id: versionListId(model, end + 1), model, version });
      return;
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      from = end + 1;
    }
  }
}

/** Reads the list from its end in batches, newest first. */
const BATCH = 16;

/**
 * The registered versions of a model, newest first, each once, for as long as the caller iterates: a gallop to the
 * end of the list, then batches of `_id` reads backwards. Places whose version is not registered are the caller's to
 * skip (it reads the versions).
 */
export async function* newestVersions(cols: RegistryCollections, model: string): AsyncGenerator<string> {
  const seen = new Set<string>();
  let next = (await lastNumbered(cols.versionLists, (k) => versionListId(model, k), 0)).n;
  while (next > 0) {
    const numbers = Array.from({ length: Math.min(BATCH, next) }, (_, i) => next - i);
    next -= numbers.length;
    const docs = await Promise.all(numbers.map((k) => cols.versionLists.findOne({ _id: versionListId(model, k) })));
    for (const doc of docs) {
      if (!doc || seen.has(doc.version)) continue;
      seen.add(doc.version);
      yield doc.version;
    }
  }
}

/** Marks a database whose versions registered before lists were kept have been listed. */
const BACKFILLED = 'backfilled';

/**
 * Lists versions registered before lists were kept, once: a scan of every version and place, at the first start-up
 * of a process that keeps lists, in the order they were created, after any place claimed since (the order of a list
 * is a convenience; that it is complete is what counts).
 */
export async function backfillVersionLists(cols: RegistryCollections): Promise<number> {
  if (await cols.versionLists.findOne({ _id: BACKFILLED })) return 0;
  const listed = new Set((await cols.versionLists.find({}).toArray()).map((d) => `${d.model}@${d.version}`));
  const missing = (await cols.versions.find({}, { projection: { model: 1, version: 1, createdAt: 1 } }).toArray())
    .filter((v) => !listed.has(`${v.model}@${v.version}`))
    .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
  const byModel = new Map<string, typeof missing>();
  for (const v of missing) byModel.set(v.model, [...(byModel.get(v.model) ?? []), v]);
  for (const [model, versions] of byModel) {
    const end = (await lastNumbered(cols.versionLists, (k) => versionListId(model, k), 0)).n;
    try {
      await cols.versionLists.insertMany(versions.map((v, i) => ({ _id: versionListId(model, end + 1 + i), model, version: v.version })), { ordered: true });
    } catch (error) {
      // A registration took a place meanwhile: place the rest one by one (a version placed twice is read once).
      if (!(error instanceof MongoBulkWriteError) || ![error.writeErrors].flat().every((e) => isDuplicateKeyError(e))) throw error;
      for (const v of versions) await claimPlace(cols, model, v.version);
    }
  }
  await cols.versionLists.insertOne({ _id: BACKFILLED, model: '', version: '' }).catch((error: unknown) => {
    if (!isDuplicateKeyError(error)) throw error;
  });
  return missing.length;
}
