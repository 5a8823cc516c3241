import { z } from 'zod';
import { isDuplicateKeyError } from '../db/duplicate-key';
import { EndHint, readNumbered } from '../db/numbered-list';
import { aliasRowId, versionId, type RegistryCollections } from './collections';
import { IdempotencyKeyConflictError, StaleAliasError, UnknownVersionError } from './errors';
import { requireModel, type Clock } from './models';
import { aliasSchema, modelNameSchema, moveAliasInputSchema, type AliasHistoryDoc, type AliasName, type MoveAliasInput } from './schemas';
import { parseInput } from '../validation/input-error';
import { requireSemver } from './validate';

/*
 * Alias design: the alias-history collection *is* the alias. Each move inserts one row keyed by the unique
 * (model, alias, revision) _id, with revision = the latest revision read + 1, after checking that the latest row's
 * `to` equals the caller's `expected`. The unique key is the compare-and-set: of N movers that read revision r only
 * one can insert r+1; the others get a duplicate-key error and a StaleAliasError naming the winner's version.
 * Rows are therefore gap-free, and a row exists only if the move happened.
 *
 * We chose this over "update an alias document, then insert a history row" because a single write has no crash
 * window: there is no state where the pointer moved but the history does not say who moved it, or the reverse, and
 * nothing to repair. It also needs no conditional update, which FerretDB 1.x does not apply atomically with its
 * filter. The current value is the row with the highest revision. Revisions are gap-free, so it is found by `_id`
 * reads forward from a hint of the last revision seen (`alias_heads`, raised after each read or move): never a query
 * on `model`, which FerretDB would answer by reading the rows of every model.
 */

export interface AliasState {
  model: string;
  alias: AliasName;
  /** null when the alias was never set or was cleared. */
  version: string | null;
  /** 0 when the alias was never moved. */
  revision: number;
  at: Date | null;
}

const aliasRefSchema = z.object({ model: modelNameSchema, alias: aliasSchema });

/** Moves a retried move may be behind: it looks for its key among this many newest rows before it scans. */
const RECENT_ROWS = 20;

const aliasHead = (cols: RegistryCollections, model: string, alias: AliasName) => new EndHint(cols.aliasHeads, `${model}:${alias}`, 'revision');

async function latestRow(cols: RegistryCollections, model: string, alias: AliasName): Promise<AliasHistoryDoc | null> {
  const { n, doc } = await aliasHead(cols, model, alias).last(cols.aliasHistory, (revision) => aliasRowId(model, alias, revision));
  return doc ?? (n > 0 ? await cols.aliasHistory.findOne({ _id: aliasRowId(model, alias, n) }) : null);
}

/** The row a move with this key wrote: among the newest rows, where a retry finds it, else by a scan. */
async function rowWithKey(cols: RegistryCollections, model: string, alias: AliasName, key: string): Promise<AliasHistoryDoc | null> {
  const latest = await latestRow(cols, model, alias);
  for (let revision = latest?.revision ?? 0; revision > 0 && revision > (latest?.revision ?? 0) - RECENT_ROWS; revision--) {
    const row = revision === latest!.revision ? latest : await cols.aliasHistory.findOne({ _id: aliasRowId(model, alias, revision) });
    if (row?.key === key) return row;
  }
  return (latest?.revision ?? 0) > RECENT_ROWS ? cols.aliasHistory.findOne({ model, alias, key }) : null;
}

/** Moves an alias from `expected` to `to` (null clears it). See the design note above. */
export async function moveAlias(cols: RegistryCollections, clock: Clock, raw: MoveAliasInput): Promise<AliasHistoryDoc> {
  const input = parseInput('moveAlias', moveAliasInputSchema, raw);
  if (input.to !== null) requireSemver('moveAlias', 'to', input.to);
  if (input.expected !== null) requireSemver('moveAlias', 'expected', input.expected);
  await requireModel(cols, input.model);
  if (input.to !== null && !(await cols.versions.findOne({ _id: versionId(input.model, input.to) }, { projection: { _id: 1 } }))) {
    throw new UnknownVersionError(input.model, input.to);
  }

  // A retried move finds the row its first attempt wrote.
  const replayed = async (): Promise<AliasHistoryDoc | null> => {
    if (input.key === undefined) return null;
    const row = await rowWithKey(cols, input.model, input.alias, input.key);
    if (row && (row.to !== input.to || row.from !== input.expected)) {
      throw new IdempotencyKeyConflictError(input.key, `moving ${input.model}:${input.alias} from ${row.from} to ${row.to}`);
    }
    return row;
  };

  const earlier = await replayed();
  if (earlier) return earlier;
  const latest = await latestRow(cols, input.model, input.alias);
  const actual = latest?.to ?? null;
  if (actual !== input.expected) {
    const late = await replayed();
    if (late) return late;
    throw new StaleAliasError(input.model, input.alias, input.expected, actual);
  }

  const revision = (latest?.revision ?? 0) + 1;
  const now = clock();
  const row: AliasHistoryDoc = {
    _id: aliasRowId(input.model, input.alias, revision),
    model: input.model,
    alias: input.alias,
    revision,
    from: input.expected,
    to: input.to,
    // Never before the previous move, so "latest row with at <= T" is also the highest revision at T.
    at: latest && now < latest.at ? latest.at : now,
    actor: input.actor,
    reason: input.reason,
    ...(input.key === undefined ? {} : { key: input.key }),
  };
  try {
    await cols.aliasHistory.insertOne(row);
    await aliasHead(cols, input.model, input.alias).raise(revision);
    return row;
  } catch (error) {
    if (!isDuplicateKeyError(error)) throw error;
  }
  const late = await replayed();
  if (late) return late;
  const winner = await cols.aliasHistory.findOne({ _id: row._id });
  throw new StaleAliasError(input.model, input.alias, input.expected, winner?.to ?? null);
}

export async function getAlias(cols: RegistryCollections, model: string, alias: AliasName): Promise<AliasState> {
  parseInput('getAlias', aliasRefSchema, { model, alias });
  const row = await latestRow(cols, model, alias);
  return { model, alias, version: row?.to ?? null, revision: row?.revision ?? 0, at: row?.at ?? null };
}

/** The version an alias held at time `at` (null if unset then): the latest move at or before `at`. */
export async function aliasAt(cols: RegistryCollections, model: string, alias: AliasName, at: Date): Promise<string | null> {
  parseInput('aliasAt', aliasRefSchema.extend({ at: z.date({ message: 'must be a Date' }) }), { model, alias, at });
  const row = await cols.aliasHistory
    .find({ model, alias, at: { $lte: at } })
    .sort({ at: -1, revision: -1 })
    .limit(1)
    .next();
  return row?.to ?? null;
}

/** Every move of an alias, oldest first: one `_id` read per move. */
export async function aliasHistory(cols: RegistryCollections, model: string, alias: AliasName): Promise<AliasHistoryDoc[]> {
  parseInput('aliasHistory', aliasRefSchema, { model, alias });
  return readNumbered(cols.aliasHistory, (revision) => aliasRowId(model, alias, revision), 0);
}
