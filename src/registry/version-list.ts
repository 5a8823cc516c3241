import { MongoBulkWriteError } from 'mongodb';
import { isDuplicateKeyError } from '../db/duplicate-key';
import { EndHint, lastNumbered } from '../db/numbered-list';
import { versionListId, type RegistryCollections } from './collections';

/**
 * Each model's versions in the order they were registered, so that listing a model's newest versions reads that model's
 * list by `_id` from its end, never the versions of every model (docs/storage.md).
 *
 * A registration claims the next place before it inserts the version: a version is never registered without a place.
 * A registration that stops in between, or is refused as a duplicate, leaves a place naming a version that is not
 * registered or is listed already; readers skip both. Where the list ends is kept as a hint (`version_list_ends`).
 */
export async function claimPlace(cols: RegistryCollections, model: string, version: string): Promise<void> {
  const hint = endHint(cols, model);
  for (let from = await hint.read(); ; ) {
    const end = (await lastNumbered(cols.versionLists, (k) => versionListId(model, k), from)).n;
    try {
      await cols.versionLists.insertOne({ _id: versionListId(model, end + 1), model, version });
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      from = end + 1;
      continue;
    }
    await hint.raise(end + 1);
    return;
  }
}

const endHint = (cols: RegistryCollections, model: string) => new EndHint(cols.versionListEnds, model, 'n');

/** The number of the last place in a model's list (0 when it has none). */
export async function listEnd(cols: RegistryCollections, model: string): Promise<number> {
  return (await endHint(cols, model).last(cols.versionLists, (k) => versionListId(model, k))).n;
}

/** The versions named at places `from`, `from - 1`, ... down to 1, at most `count` of them, read together by `_id`. */
export async function placesBackFrom(cols: RegistryCollections, model: string, from: number, count: number): Promise<string[]> {
  const numbers = Array.from({ length: Math.max(0, Math.min(count, from)) }, (_, i) => from - i);
  const docs = await Promise.all(numbers.map((k) => cols.versionLists.findOne({ _id: versionListId(model, k) })));
  return docs.flatMap((doc) => (doc ? [doc.version] : []));
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
    const end = await listEnd(cols, model);
    try {
      await cols.versionLists.insertMany(versions.map((v, i) => ({ _id: versionListId(model, end + 1 + i), model, version: v.version })), { ordered: true });
      await endHint(cols, model).raise(end + versions.length);
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
