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
 * registered or is listed already; readers skip both. Where the list ends is kept as a hint (`version_list_ends`),
 * never above the true end, so that finding the end costs two reads, not a gallop over the whole list.
 */
export async function claimPlace(cols: RegistryCollections, model: string, version: string): Promise<void> {
  for (let from = await endHint(cols, model); ; ) {
    const end = (await lastNumbered(cols.versionLists, (k) => versionListId(model, k), from)).n;
    try {
      await cols.versionLists.insertOne({ _id: versionListId(model, end + 1), model, version });
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      from = end + 1;
      continue;
    }
    // Two registrations may race on this update (FerretDB applies it as read, then write): the hint may then stay
    // lower than the end, which only costs the next reader a few reads more.
    await moveHint(cols, model, end + 1);
    return;
  }
}

async function endHint(cols: RegistryCollections, model: string): Promise<number> {
  return (await cols.versionListEnds.findOne({ _id: model }))?.n ?? 0;
}

/** A reader that finds the end this far past the hint moves the hint (a registration's update was lost, or none was made). */
const HINT_LAG = 8;

/** The number of the last place in a model's list (0 when it has none). */
export async function listEnd(cols: RegistryCollections, model: string): Promise<number> {
  const hint = await endHint(cols, model);
  const end = (await lastNumbered(cols.versionLists, (k) => versionListId(model, k), hint)).n;
  if (end - hint >= HINT_LAG) await moveHint(cols, model, end);
  return end;
}

function moveHint(cols: RegistryCollections, model: string, end: number): Promise<unknown> {
  return cols.versionListEnds.updateOne({ _id: model }, { $max: { n: end } }, { upsert: true });
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
      await moveHint(cols, model, end + versions.length);
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
