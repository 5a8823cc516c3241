import type { Collection, Db } from 'mongodb';
import { isDuplicateKeyError } from '../db/duplicate-key';
import { ensureIndexSet } from '../db/ensure-indexes';
import { parseInput } from '../registry/validate';
import { EMPTY_ROUTE, routeSpecSchema, type RouteDoc, type RouteHistoryDoc, type RouteSpec } from './schemas';

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
  async function settle(model: string): Promise<void> {
    for (let i = 0; i < 10; i++) {
      const [head, doc] = await Promise.all([latest(model), current(model)]);
      if (!head || (doc && doc.generation >= head.generation)) return;
      await routes.updateOne({ _id: model }, { $set: { ...routeFields(head) } }, { upsert: true });
    }
  }

  function routeFields(h: RouteHistoryDoc) {
    return { generation: h.generation, stable: h.stable, candidate: h.candidate, shadow: h.shadow, killSwitch: h.killSwitch, updatedAt: h.at, updatedBy: h.actor, reason: h.reason, changeKey: h.changeKey };
  }

  async function latest(model: string): Promise<RouteHistoryDoc | null> {
    return history.find({ model }).sort({ generation: -1 }).limit(1).next();
  }

  /**
   * Applies a routing change as a new generation. The history row is written first, under unique (model, generation)
   * and unique changeKey indexes: it claims the generation, so two writers cannot both take it, and a crash before
   * the route doc moves is finished by the retry with the same key.
   */
  async function apply(change: RouteChange): Promise<RouteDoc> {
    const spec = parseInput('routes.apply', routeSpecSchema, change.spec);
    for (;;) {
      const done = await history.findOne({ changeKey: change.key });
      if (done) {
        await publish(done);
        await settle(change.model);
        return (await current(change.model))!;
      }
      const head = await latest(change.model);
      if (head) await publish(head); // finishes a change whose writer died between its two writes
      const generation = head?.generation ?? 0;
      if (change.expectedGeneration !== undefined && change.expectedGeneration !== generation) {
        throw new StaleRouteError(change.model, change.expectedGeneration, generation);
      }
      const entry: RouteHistoryDoc = {
        _id: `${change.model}:${generation + 1}`,
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
        if (isDuplicateKeyError(err)) continue; // lost the race for this generation, or the same key landed meanwhile
        throw err;
      }
      await publish(entry);
      await settle(change.model);
      return (await current(change.model))!;
    }
  }

  /** What was being served at time `at`. */
  async function at(model: string, when: Date): Promise<RouteSpec> {
    const row = await history.find({ model, at: { $lte: when } }).sort({ at: -1, generation: -1 }).limit(1).next();
    return row ? { stable: row.stable, candidate: row.candidate, shadow: row.shadow, killSwitch: row.killSwitch } : EMPTY_ROUTE;
  }

  async function list(): Promise<RouteDoc[]> {
    return routes.find({}).sort({ _id: 1 }).toArray();
  }

  return { current, apply, at, list };
}

export type RouteStore = ReturnType<typeof createRouteStore>;
