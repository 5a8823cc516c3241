import type { Collection, Db } from 'mongodb';
import { isDuplicateKeyError } from '../db/duplicate-key';
import { lastNumbered } from '../db/numbered-list';
import { ensureIndexSet } from '../db/ensure-indexes';
import { parseInput } from '../validation/input-error';
import { EMPTY_ROUTE, routeSpecSchema, type RouteDoc, type RouteHistoryDoc, type RouteSpec } from '../contracts/routes';

export const ROUTES = 'routes';
export const ROUTE_HISTORY = 'route_history';

export class StaleRouteError extends Error {
  readonly code = 'stale_route';
  constructor(readonly model: string, readonly expected: number, readonly actual: number) {
    super(`routes.${model}.generation: expected ${expected} but it is ${actual}; someone else changed the routing`);
    this.name = 'StaleRouteError';
  }
}

export interface RouteChange {
  model: string;
  /** A deterministic key: a change retried with the same key is applied once. */
  key: string;
  actor: string;
  reason: string;
  spec: RouteSpec;
  /** Refuse the change unless the routing is still at this generation (0: no routing yet). */
  expectedGeneration?: number;
}


export async function ensureRoutingIndexes(db: Db): Promise<void> {
  await ensureIndexSet(db, ROUTE_HISTORY, [
    { key: { model: 1, generation: 1 }, unique: true, name: 'model_generation' },
    { key: { changeKey: 1 }, unique: true, name: 'change_key' },
    { key: { model: 1, at: -1 }, name: 'model_at' },
  ]);
}

function historyId(model: string, generation: number): string {
  return `${model}:${generation}`;
}

export function createRouteStore(db: Db) {
  const routes: Collection<RouteDoc> = db.collection<RouteDoc>(ROUTES);
  const history: Collection<RouteHistoryDoc> = db.collection<RouteHistoryDoc>(ROUTE_HISTORY);

  async function current(model: string): Promise<RouteDoc | null> {
    return routes.findOne({ _id: model });
  }

  /** Brings the route doc up to `entry`; a no-op when it is already there or beyond. */
  async function publish(entry: RouteHistoryDoc): Promise<void> {
    const { model, generation } = entry;
    const next = routeFields(entry);
    try {
      await routes.updateOne({ _id: model, generation: { $lt: generation } }, { $set: next }, { upsert: true });
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err; // the doc exists at this generation or a later one
    }
  }

  /**
   * FerretDB 1.x does not apply a conditional update atomically, so a slow writer of an older generation can land
   * after a newer one. Every writer therefore checks, after its own write, that the route doc shows the newest
   * history row, and republishes it if not: the last writer to finish leaves the doc right.
   */
  async function settle(model: string): Promise<RouteDoc | null> {
    for (let i = 0; i < 10; i++) {
      const { doc, ahead } = await newest(model);
      if (!ahead) return doc;
      await routes.updateOne({ _id: model }, { $set: { ...routeFields(ahead) } }, { upsert: true });
    }
    return current(model);
  }

  function routeFields(h: RouteHistoryDoc) {
    return { generation: h.generation, stable: h.stable, candidate: h.candidate, shadow: h.shadow, killSwitch: h.killSwitch, updatedAt: h.at, updatedBy: h.actor, reason: h.reason, changeKey: h.changeKey };
  }

  /**
   * The route doc, and the newest history row if the doc lags behind it. Generations are gap-free and a row's _id is
   * `${model}:${generation}`, so the rows past the doc are found by probing _ids: lookups FerretDB 1.x answers from
   * its primary key, where a query on `model` would decode the history of every model.
   */
  async function newest(model: string): Promise<{ doc: RouteDoc | null; ahead: RouteHistoryDoc | null }> {
    const doc = await current(model);
    const { doc: ahead } = await lastNumbered(history, (generation) => historyId(model, generation), doc?.generation ?? 0);
    return { doc, ahead };
  }

  /** A change already in the history under this key; only a retry or a lost race pays for this scan. */
  async function landed(key: string): Promise<RouteHistoryDoc | null> {
    return history.findOne({ changeKey: key });
  }

  async function finish(model: string, row: RouteHistoryDoc | null): Promise<RouteDoc> {
    if (row) await publish(row);
    return (await settle(model))!;
  }

  /**
   * Applies a routing change as a new generation. The history row is written first, under unique (model, generation)
   * and unique changeKey indexes: it claims the generation, so two writers cannot both take it, and a crash before
   * the route doc moves is finished by the retry with the same key.
   */
  async function apply(change: RouteChange): Promise<RouteDoc> {
    const spec = parseInput('routes.apply', routeSpecSchema, change.spec);
    let suspectLanded = false;
    for (;;) {
      if (suspectLanded) {
        const done = await landed(change.key);
        if (done) return finish(change.model, done);
      }
      const { doc, ahead } = await newest(change.model);
      const top = ahead ?? doc;
      if (top?.changeKey === change.key) return finish(change.model, ahead);
      if (ahead) await publish(ahead); // finishes a change whose writer died between its two writes
      const generation = top?.generation ?? 0;
      if (change.expectedGeneration !== undefined && change.expectedGeneration !== generation) {
        const done = await landed(change.key);
        if (done) return finish(change.model, done);
        throw new StaleRouteError(change.model, change.expectedGeneration, generation);
      }
      const entry: RouteHistoryDoc = {
        _id: historyId(change.model, generation + 1),
        model: change.model,
        generation: generation + 1,
        at: new Date(),
        actor: change.actor,
        reason: change.reason,
        changeKey: change.key,
        ...spec,
      };
      try {
        await history.insertOne(entry);
      } catch (err) {
        if (!isDuplicateKeyError(err)) throw err;
        suspectLanded = true; // lost the race for this generation, or this key landed earlier
        continue;
      }
      return finish(change.model, entry);
    }
  }

  /** One generation of a model's routing, as it was written, by `_id`. */
  async function entry(model: string, generation: number): Promise<RouteHistoryDoc | null> {
    return history.findOne({ _id: historyId(model, generation) });
  }

  /** What was being served at time `at`. */
  async function at(model: string, when: Date): Promise<RouteSpec> {
    const row = await history.find({ model, at: { $lte: when } }).sort({ at: -1, generation: -1 }).limit(1).next();
    return row ? { stable: row.stable, candidate: row.candidate, shadow: row.shadow, killSwitch: row.killSwitch } : EMPTY_ROUTE;
  }

  async function list(): Promise<RouteDoc[]> {
    return routes.find({}).sort({ _id: 1 }).toArray();
  }

  return { current, apply, at, list, entry };
}

export type RouteStore = ReturnType<typeof createRouteStore>;
