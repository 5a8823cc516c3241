import type { Db } from 'mongodb';
import {
  aliasHistoryDocSchema,
  IdempotencyKeyConflictError,
  StaleAliasError,
  UnknownModelError,
  UnknownVersionError,
  type Registry,
} from '../../../src/registry';
import { caught, manualClock, openRegistry, versionInput } from './fixtures';
import { InputError } from '../../../src/validation/input-error';

let db: Db;
let registry: Registry;
let close: () => Promise<void>;
const time = manualClock('2026-04-01T00:00:00.000Z');

beforeAll(async () => {
  ({ db, registry, close } = await openRegistry('regal', time.clock));
  await registry.createModel({ name: 'recs', owner: 'team-reco', actor: 'user:alice' });
  for (const v of ['1.0.0', '1.1.0', '1.2.0', '2.0.0']) await registry.registerVersion(await versionInput(registry, 'recs', v));
});
afterAll(() => close());

const historyRows = (alias: string) => db.collection('alias_history').find({ model: 'recs', alias }).toArray();
const move = (to: string | null, expected: string | null, extra: { key?: string; actor?: string } = {}) =>
  registry.moveAlias({ model: 'recs', alias: 'champion', to, expected, actor: extra.actor ?? 'service:pipeline', reason: `promote ${to}`, ...(extra.key ? { key: extra.key } : {}) });

describe('aliases', () => {
  const t: Date[] = [];

  it('moves champion step by step and keeps who, when and why', async () => {
    t.push(time.advance(1000));
    await move('1.0.0', null, { actor: 'user:alice' });
    t.push(time.advance(60_000));
    await move('1.1.0', '1.0.0');
    t.push(time.advance(60_000));
    await move('1.2.0', '1.1.0', { key: 'wf-3:promote' });
    expect(await registry.getAlias('recs', 'champion')).toEqual({ model: 'recs', alias: 'champion', version: '1.2.0', revision: 3, at: t[2] });
    const history = await registry.aliasHistory('recs', 'champion');
    expect(history.map((h) => [h.revision, h.from, h.to, h.actor, h.at])).toEqual([
      [1, null, '1.0.0', 'user:alice', t[0]],
      [2, '1.0.0', '1.1.0', 'service:pipeline', t[1]],
      [3, '1.1.0', '1.2.0', 'service:pipeline', t[2]],
    ]);
    expect(history[2]).toMatchObject({ reason: 'promote 1.2.0', key: 'wf-3:promote' });
  });

  it('answers which version held champion at time T', async () => {
    const at = (ms: number) => registry.aliasAt('recs', 'champion', new Date(ms));
    expect(await at(t[0]!.getTime() - 1)).toBeNull();
    expect(await at(t[0]!.getTime())).toBe('1.0.0');
    expect(await at(t[1]!.getTime() - 1)).toBe('1.0.0');
    expect(await at(t[1]!.getTime() + 30_000)).toBe('1.1.0');
    expect(await at(t[2]!.getTime())).toBe('1.2.0');
    expect(await at(Date.now() + 86_400_000)).toBe('1.2.0');
    expect(await registry.aliasAt('recs', 'challenger', t[2]!)).toBeNull();
  });

  it('returns the recorded move when a keyed move is retried', async () => {
    const before = await historyRows('champion');
    const again = await move('1.2.0', '1.1.0', { key: 'wf-3:promote' });
    expect(again.revision).toBe(3);
    expect(await historyRows('champion')).toEqual(before);
    const misuse = await caught(() => move('2.0.0', '1.2.0', { key: 'wf-3:promote' }));
    expect(misuse).toBeInstanceOf(IdempotencyKeyConflictError);
  });

  it('refuses a move from a stale expected value, naming expected and actual, and writes nothing', async () => {
    const before = await historyRows('champion');
    const error = await caught(() => move('2.0.0', '1.0.0'));
    expect(error).toBeInstanceOf(StaleAliasError);
    expect(error).toMatchObject({ code: 'STALE_ALIAS', expected: '1.0.0', actual: '1.2.0' });
    expect(error.message).toMatch(/recs:champion was expected at 1\.0\.0 but holds 1\.2\.0/);
    expect(await historyRows('champion')).toEqual(before);
  });

  it('refuses unknown versions, unknown models and bad input, writing nothing', async () => {
    const before = await db.collection('alias_history').countDocuments();
    expect(await caught(() => move('7.0.0', '1.2.0'))).toBeInstanceOf(UnknownVersionError);
    expect(
      await caught(() => registry.moveAlias({ model: 'ghost', alias: 'champion', to: '1.0.0', expected: null, actor: 'a', reason: 'r' })),
    ).toBeInstanceOf(UnknownModelError);
    const bad = await caught(() => registry.moveAlias({ model: 'recs', alias: 'best' as never, to: '1.0', expected: null, actor: 'a', reason: '' }));
    expect(bad).toBeInstanceOf(InputError);
    expect(bad.message).toMatch(/alias: must be one of champion, last-known-good, challenger/);
    expect(bad.message).toMatch(/reason: must say why/);
    expect(await db.collection('alias_history').countDocuments()).toBe(before);
  });

  it('lets exactly one of 10 concurrent moves from the same expected value win', async () => {
    const targets = ['1.0.0', '1.1.0', '2.0.0'];
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) =>
        registry.moveAlias({ model: 'recs', alias: 'champion', to: targets[i % 3]!, expected: '1.2.0', actor: `service:w${i}`, reason: `race ${i}` }),
      ),
    );
    const winners = results.filter((r) => r.status === 'fulfilled');
    expect(winners).toHaveLength(1);
    const won = (winners[0] as PromiseFulfilledResult<{ to: string; revision: number }>).value;
    for (const r of results) {
      if (r.status === 'rejected') {
        expect(r.reason).toBeInstanceOf(StaleAliasError);
        expect(r.reason).toMatchObject({ expected: '1.2.0', actual: won.to });
      }
    }
    const state = await registry.getAlias('recs', 'champion');
    expect(state).toMatchObject({ version: won.to, revision: 4 });
    const rows = await historyRows('champion');
    expect(rows.map((r) => r.revision).sort()).toEqual([1, 2, 3, 4]);
    expect(rows.find((r) => r.revision === 4)).toMatchObject({ from: '1.2.0', to: won.to });
  });

  it('keeps aliases independent and can clear one', async () => {
    await registry.moveAlias({ model: 'recs', alias: 'challenger', to: '2.0.0', expected: null, actor: 'a', reason: 'canary' });
    await registry.moveAlias({ model: 'recs', alias: 'challenger', to: null, expected: '2.0.0', actor: 'a', reason: 'canary done' });
    expect(await registry.getAlias('recs', 'challenger')).toMatchObject({ version: null, revision: 2 });
    expect((await registry.getAlias('recs', 'last-known-good')).revision).toBe(0);
    expect((await registry.getAlias('recs', 'champion')).revision).toBe(4);
    for (const row of await db.collection('alias_history').find().toArray()) expect(() => aliasHistoryDocSchema.parse(row)).not.toThrow();
  });
});
