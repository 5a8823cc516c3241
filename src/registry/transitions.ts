import { isDuplicateKeyError } from '../db/duplicate-key';
import { transitionRowId, type RegistryCollections } from './collections';
import { ContentionError, IdempotencyKeyConflictError, IllegalTransitionError, StaleStatusError, UnknownVersionError } from './errors';
import { canTransition } from './lifecycle';
import type { Clock } from './models';
import { transitionInputSchema, type ModelVersion, type TransitionDoc, type TransitionInput } from './schemas';
import { parseInput } from '../validation/input-error';
import { requireSemver } from './validate';
import { getVersion, transitionEntry } from './versions';

const MAX_ATTEMPTS = 20;

/**
 * Moves a version to another status if the lifecycle table allows it, recording who, when and why.
 *
 * The compare-and-set is an insert, not an update: each transition is a row whose _id is the unique
 * (model, version, revision) key, revision = the number of transitions read + 1. Of concurrent writers that read the
 * same status only one can insert its successor; the others re-read and re-check legality against the new status.
 * We do not CAS with a filtered update because FerretDB 1.x does not evaluate an update's filter atomically with
 * its write (several concurrent `updateOne({_id, revision})` all succeed there); unique indexes it does enforce.
 * The row is the whole transition, so no crash can separate a status change from its history.
 *
 * A transition whose key is already in the history is a retry of a step that succeeded: it returns the version
 * unchanged (and fails if the key was used for another target).
 */
export async function transition(cols: RegistryCollections, clock: Clock, raw: TransitionInput): Promise<ModelVersion> {
  const input = parseInput('transition', transitionInputSchema, raw);
  requireSemver('transition', 'version', input.version);

  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const current = await getVersion(cols, input.model, input.version);
    if (!current) throw new UnknownVersionError(input.model, input.version);

    if (input.key !== undefined) {
      const replay = current.history.find((h) => h.key === input.key);
      if (replay && replay.to !== input.to) throw new IdempotencyKeyConflictError(input.key, `the transition of ${current._id} to ${replay.to}`);
      if (replay) return current;
    }
    if (input.from !== undefined && current.status !== input.from) {
      throw new StaleStatusError(input.model, input.version, input.from, current.status);
    }
    if (!canTransition(current.status, input.to)) throw new IllegalTransitionError(input.model, input.version, current.status, input.to);

    // Never before the previous entry, so history order and time order agree even across skewed clocks.
    const last = current.history[current.history.length - 1]!;
    const now = clock();
    const revision = current.revision + 1;
    const row: TransitionDoc = {
      _id: transitionRowId(input.model, input.version, revision),
      model: input.model,
      version: input.version,
      revision,
      from: current.status,
      to: input.to,
      at: now < last.at ? last.at : now,
      actor: input.actor,
      reason: input.reason,
      ...(input.key === undefined ? {} : { key: input.key }),
    };
    try {
      await cols.transitions.insertOne(row);
      return { ...current, status: row.to, revision, history: [...current.history, transitionEntry(row)] };
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
    }
  }
  throw new ContentionError(`transition ${input.model}@${input.version}`, MAX_ATTEMPTS);
}
