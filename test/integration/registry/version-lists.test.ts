import { createRegistry, ensureIndexes, VERSION_LIST_ENDS, VERSION_LISTS, type Registry } from '../../../src/registry';
import type { Mongo } from '../../../src/db';
import { isIdLookup, logCommands } from '../../support/command-log';
import { openMonitoredTestDb } from '../../support/mongo';
import { versionInput } from './fixtures';

let mongo: Mongo;
let registry: Registry;

beforeEach(async () => {
  mongo = await openMonitoredTestDb('reglists');
  await ensureIndexes(mongo.db);
  registry = createRegistry(mongo.db);
  for (const name of ['recs', 'search']) await registry.createModel({ name, owner: 'team-reco', actor: 'user:alice' });
});
afterEach(() => mongo.close());

const register = async (model: string, versions: string[]) => {
  for (const version of versions) await registry.registerVersion(await versionInput(registry, model, version));
};
const listed = async (model: string, options: Parameters<Registry['listVersions']>[1] = {}) => (await registry.listVersions(model, options)).map((v) => v.version);

describe("a model's list of versions", () => {
  it('lists the versions registered last, by `_id` alone, as many reads for a model among many as for one alone', async () => {
    await register('recs', ['1.0.0', '1.1.0', '2.0.0', '1.1.1']);
    const log = logCommands(mongo);
    const alone = await log.during(() => listed('recs', { limit: 3 }));
    // The newest three registered, then in semantic order: 1.0.0 was registered first.
    expect(alone.result).toEqual(['2.0.0', '1.1.1', '1.1.0']);

    await register('search', Array.from({ length: 30 }, (_, i) => `1.0.${i}`));
    const among = await log.during(() => listed('recs', { limit: 3 }));
    expect(among.result).toEqual(alone.result);
    expect(among.commands.every((c) => c.filters.every(isIdLookup))).toBe(true);
    expect(among.commands).toHaveLength(alone.commands.length);
    expect(await listed('search', { limit: Infinity })).toHaveLength(30);
    // Nor with the length of the model's own list: its end is found from a hint.
    const long = await log.during(() => listed('search', { limit: 3 }));
    expect(long.result).toEqual(['1.0.29', '1.0.28', '1.0.27']);
    expect(long.commands).toHaveLength(alone.commands.length);
  });

  it('finds the end of a list from a hint left behind by a lost race, and places the next version after it', async () => {
    await register('recs', ['1.0.0', '1.1.0', '1.2.0']);
    await mongo.db.collection<{ _id: string; n: number }>(VERSION_LIST_ENDS).updateOne({ _id: 'recs' }, { $set: { n: 1 } });
    expect(await listed('recs', { limit: 1 })).toEqual(['1.2.0']);
    await register('recs', ['1.3.0']);
    expect(await listed('recs', { limit: Infinity })).toEqual(['1.3.0', '1.2.0', '1.1.0', '1.0.0']);
    expect(await mongo.db.collection(VERSION_LISTS).findOne({ _id: 'recs#4' as never })).toMatchObject({ version: '1.3.0' });

    // A hint far behind is moved by the reader that found the end.
    const ends = mongo.db.collection<{ _id: string; n: number }>(VERSION_LIST_ENDS);
    await register('recs', Array.from({ length: 8 }, (_, i) => `2.${i}.0`));
    await ends.updateOne({ _id: 'recs' }, { $set: { n: 1 } });
    expect(await listed('recs', { limit: 1 })).toEqual(['2.7.0']);
    expect(await ends.findOne({ _id: 'recs' })).toMatchObject({ n: 12 });
  });

  it('reads back until it has found what a status filter asks for', async () => {
    await register('recs', ['1.0.0', '1.1.0', '1.2.0', '1.3.0']);
    await registry.transition({ model: 'recs', version: '1.0.0', to: 'validating', actor: 'user:alice', reason: 'test' });
    expect(await listed('recs', { status: 'validating', limit: 1 })).toEqual(['1.0.0']);
    await expect(registry.listVersions('recs', { limit: 0 })).rejects.toThrow(/limit: must be at least 1/);
  });

  it('skips a place whose registration never finished and a version placed twice; a retried registration takes no second place', async () => {
    await register('recs', ['1.0.0']);
    const lists = mongo.db.collection<{ _id: string; model: string; version: string }>(VERSION_LISTS);
    await lists.insertMany([
      { _id: 'recs#2', model: 'recs', version: '9.9.9' },
      { _id: 'recs#3', model: 'recs', version: '1.0.0' },
    ]);
    const input = await versionInput(registry, 'recs', '1.1.0', { key: 'reg-1' });
    await registry.registerVersion(input);
    await registry.registerVersion(input);
    expect(await listed('recs')).toEqual(['1.1.0', '1.0.0']);
    expect(await lists.countDocuments({ model: 'recs' })).toBe(4);
  });

  it('lists versions registered before lists were kept, once, at the next start-up', async () => {
    await register('recs', ['1.0.0', '1.1.0']);
    await mongo.db.collection(VERSION_LISTS).drop();
    expect(await listed('recs')).toEqual([]);
    await ensureIndexes(mongo.db);
    expect(await listed('recs')).toEqual(['1.1.0', '1.0.0']);
    await register('recs', ['1.2.0']);
    await ensureIndexes(mongo.db);
    expect(await listed('recs', { limit: Infinity })).toEqual(['1.2.0', '1.1.0', '1.0.0']);
  });
});
