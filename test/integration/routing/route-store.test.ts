import { createRouteStore, ensureRoutingIndexes, ROUTE_HISTORY, ROUTES, StaleRouteError, type RouteSpec } from '../../../src/routing';
import { openTestDb } from '../../support/mongo';
import type { Mongo } from '../../../src/db';

const stable = { version: '1.0.0', sha256: 'a'.repeat(64) };
const candidate = { version: '1.1.0', sha256: 'b'.repeat(64) };
const spec = (percent: number): RouteSpec => ({ stable, candidate: { ...candidate, percent }, shadow: null, killSwitch: 'off' });

describe('routing store on FerretDB', () => {
  let mongo: Mongo;
  beforeAll(async () => {
    mongo = await openTestDb('routes');
    await ensureRoutingIndexes(mongo.db);
  });
  afterAll(() => mongo?.close());
  const store = () => createRouteStore(mongo.db);
  const change = (model: string, key: string, s: RouteSpec, expectedGeneration?: number) =>
    store().apply({ model, key, actor: 'pipeline', reason: 'stage', spec: s, expectedGeneration });

  it('applies a change retried with the same key once', async () => {
    for (let i = 0; i < 5; i++) await change('retry', 'deploy-retry-1.1.0:stage:canary', spec(5));
    expect(await mongo.db.collection(ROUTE_HISTORY).countDocuments({ model: 'retry' })).toBe(1);
    expect(await store().current('retry')).toMatchObject({ generation: 1, candidate: { percent: 5 } });
  });

  it('gives 10 concurrent writers 10 consecutive generations and a complete history', async () => {
    await Promise.all(Array.from({ length: 10 }, (_, i) => change('race', `k${i}`, spec(i * 10))));
    const history = await mongo.db.collection(ROUTE_HISTORY).find({ model: 'race' }).sort({ generation: 1 }).toArray();
    expect(history.map((h) => h.generation)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(new Set(history.map((h) => h.changeKey)).size).toBe(10);
    const route = await store().current('race');
    expect(route!.generation).toBe(10);
    expect(route!.changeKey).toBe(history[9].changeKey);
  });

  it('answers a retry as the first attempt even after later changes landed', async () => {
    const first = await change('late-retry', 'l1', spec(5), 0);
    await change('late-retry', 'l2', spec(25));
    const retried = await change('late-retry', 'l1', spec(5), 0);
    expect(retried).toMatchObject({ generation: 2, candidate: { percent: 25 } });
    expect(first.generation).toBe(1);
    const history = await mongo.db.collection(ROUTE_HISTORY).find({ model: 'late-retry' }).sort({ generation: 1 }).toArray();
    expect(history.map((h) => h.changeKey)).toEqual(['l1', 'l2']);
  });

  it('refuses a change from a stale generation and writes nothing', async () => {
    await change('stale', 's1', spec(5));
    await change('stale', 's2', spec(25));
    await expect(change('stale', 's3', spec(50), 1)).rejects.toThrow(new StaleRouteError('stale', 1, 2));
    expect(await mongo.db.collection(ROUTE_HISTORY).countDocuments({ model: 'stale' })).toBe(2);
    expect(await store().current('stale')).toMatchObject({ generation: 2, candidate: { percent: 25 } });
  });

  it('refuses an invalid routing naming the field, and writes nothing', async () => {
    const bad = { ...spec(5), candidate: { ...candidate, percent: 150 } };
    await expect(change('invalid', 'i1', bad)).rejects.toThrow('routes.apply: invalid input: candidate.percent: must be at most 100');
    expect(await mongo.db.collection(ROUTES).countDocuments({ _id: 'invalid' } as never)).toBe(0);
  });

  it('finishes a change whose writer died between the history row and the route doc', async () => {
    await change('heal', 'h1', spec(5));
    await mongo.db.collection(ROUTE_HISTORY).insertOne({
      _id: 'heal:2', model: 'heal', generation: 2, at: new Date(), actor: 'pipeline', reason: 'stage', changeKey: 'h2', ...spec(25),
    } as never);
    expect(await store().current('heal')).toMatchObject({ generation: 1 });
    await change('heal', 'h2', spec(25)); // the retry of the dead writer
    expect(await store().current('heal')).toMatchObject({ generation: 2, candidate: { percent: 25 } });
    await change('heal', 'h3', spec(50));
    expect(await store().current('heal')).toMatchObject({ generation: 3, candidate: { percent: 50 } });
  });

  it('answers what was being served at a past time', async () => {
    await change('timeline', 't1', spec(5));
    await new Promise((r) => setTimeout(r, 30));
    const between = new Date();
    await new Promise((r) => setTimeout(r, 30));
    await change('timeline', 't2', { stable: candidate, candidate: null, shadow: null, killSwitch: 'off' });
    expect(await store().at('timeline', between)).toEqual(spec(5));
    expect((await store().at('timeline', new Date())).stable).toEqual(candidate);
    expect(await store().at('timeline', new Date(0))).toEqual({ stable: null, candidate: null, shadow: null, killSwitch: 'off' });
  });
});
