import type { Db } from 'mongodb';
import {
  modelDocSchema,
  transitionDocSchema,
  versionDocSchema,
  IdempotencyKeyConflictError,
  IllegalTransitionError,
  StaleStatusError,
  UnknownVersionError,
  type Registry,
} from '../../../src/registry';
import { caught, manualClock, openRegistry, versionInput } from './fixtures';
import { InputError } from '../../../src/validation/input-error';

let db: Db;
let registry: Registry;
let close: () => Promise<void>;
const time = manualClock();

beforeAll(async () => {
  ({ db, registry, close } = await openRegistry('regtr', time.clock));
  await registry.createModel({ name: 'recs', owner: 'team-reco', actor: 'user:alice' });
  for (const v of ['1.0.0', '2.0.0', '3.0.0', '4.0.0']) await registry.registerVersion(await versionInput(registry, 'recs', v));
});
afterAll(() => close());

/** Everything stored about a version: its document and its transition rows. */
const raw = async (version: string) => ({
  doc: await db.collection('model_versions').findOne({ _id: `recs@${version}` as never }),
  rows: await db.collection('version_transitions').find({ model: 'recs', version }).sort({ revision: 1 }).toArray(),
});

describe('status transitions', () => {
  it('walks the lifecycle to production, recording who, when and why at each step', async () => {
    const steps = [
      ['validating', 'service:pipeline', 'offline evaluation started'],
      ['awaiting_approval', 'service:pipeline', 'metrics above thresholds'],
      ['rolling_out', 'user:carol', 'approved in CHG-42'],
      ['production', 'service:pipeline', 'canary healthy at 100%'],
    ] as const;
    const times: Date[] = [];
    for (const [to, actor, reason] of steps) {
      times.push(time.advance(60_000));
      const doc = await registry.transition({ model: 'recs', version: '1.0.0', to, actor, reason, key: `wf-1:${to}` });
      expect(doc.status).toBe(to);
    }
    const stored = await registry.getVersion('recs', '1.0.0');
    expect(stored!.revision).toBe(4);
    expect(stored!.history.slice(1)).toEqual(
      steps.map(([to, actor, reason], i) => ({ from: i === 0 ? 'registered' : steps[i - 1]![0], to, actor, reason, at: times[i], key: `wf-1:${to}` })),
    );
  });

  it('treats a retried transition with the same key as a no-op', async () => {
    const before = await raw('1.0.0');
    const again = await registry.transition({ model: 'recs', version: '1.0.0', to: 'production', actor: 'service:pipeline', reason: 'retry', key: 'wf-1:production' });
    expect(again.status).toBe('production');
    expect(await raw('1.0.0')).toEqual(before);
  });

  it('refuses a key reused for another target', async () => {
    const error = await caught(() =>
      registry.transition({ model: 'recs', version: '1.0.0', to: 'retired', actor: 'a', reason: 'r', key: 'wf-1:production' }),
    );
    expect(error).toBeInstanceOf(IdempotencyKeyConflictError);
    expect((await registry.getVersion('recs', '1.0.0'))!.status).toBe('production');
  });

  it.each([
    ['registered', 'production', /cannot go from registered to production \(allowed from registered: validating, rejected\)/],
    ['registered', 'registered', /cannot go from registered to registered/],
  ] as const)('refuses the illegal transition %s -> %s and writes nothing', async (_from, to, message) => {
    const before = await raw('2.0.0');
    const error = await caught(() => registry.transition({ model: 'recs', version: '2.0.0', to, actor: 'user:mallory', reason: 'shortcut' }));
    expect(error).toBeInstanceOf(IllegalTransitionError);
    expect(error.code).toBe('ILLEGAL_TRANSITION');
    expect(error.message).toMatch(message);
    expect(await raw('2.0.0')).toEqual(before);
  });

  it('says a terminal status is terminal', async () => {
    await registry.transition({ model: 'recs', version: '3.0.0', to: 'rejected', actor: 'user:carol', reason: 'bias audit failed' });
    const error = await caught(() => registry.transition({ model: 'recs', version: '3.0.0', to: 'validating', actor: 'a', reason: 'r' }));
    expect(error.message).toMatch(/cannot go from rejected to validating \(rejected is terminal\)/);
  });

  it('fails a stale compare-and-set on `from` and writes nothing', async () => {
    const before = await raw('2.0.0');
    const error = await caught(() =>
      registry.transition({ model: 'recs', version: '2.0.0', from: 'validating', to: 'awaiting_approval', actor: 'a', reason: 'r' }),
    );
    expect(error).toBeInstanceOf(StaleStatusError);
    expect(error.message).toMatch(/expected in status validating but is registered/);
    expect(await raw('2.0.0')).toEqual(before);
  });

  it('refuses unknown versions and bad input', async () => {
    expect(await caught(() => registry.transition({ model: 'recs', version: '9.9.9', to: 'validating', actor: 'a', reason: 'r' }))).toBeInstanceOf(
      UnknownVersionError,
    );
    const bad = await caught(() => registry.transition({ model: 'recs', version: '2.0.0', to: 'live' as never, actor: '', reason: 'r' }));
    expect(bad).toBeInstanceOf(InputError);
    expect(bad.message).toMatch(/to: must be one of registered, validating/);
    expect(bad.message).toMatch(/actor: must name who acts/);
  });

  it('lets exactly one of several concurrent identical transitions win', async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 6 }, (_, i) => registry.transition({ model: 'recs', version: '4.0.0', to: 'validating', actor: `service:w${i}`, reason: 'race' })),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(IllegalTransitionError);
    const stored = await registry.getVersion('recs', '4.0.0');
    expect(stored!.history.map((h) => h.to)).toEqual(['registered', 'validating']);
    expect(stored!.revision).toBe(1);
  });

  it('lets a saga roll back from production and retry validation', async () => {
    await registry.transition({ model: 'recs', version: '1.0.0', to: 'rolled_back', actor: 'service:pipeline', reason: 'incident INC-7' });
    const retried = await registry.transition({ model: 'recs', version: '1.0.0', to: 'validating', actor: 'service:pipeline', reason: 'retry' });
    expect(retried.history.map((h) => h.to).slice(-3)).toEqual(['production', 'rolled_back', 'validating']);
  });

  it('stores only documents that match their schemas', async () => {
    for (const d of await db.collection('models').find().toArray()) expect(() => modelDocSchema.parse(d)).not.toThrow();
    for (const d of await db.collection('model_versions').find().toArray()) expect(() => versionDocSchema.parse(d)).not.toThrow();
    const rows = await db.collection('version_transitions').find().toArray();
    expect(rows.length).toBeGreaterThan(5);
    for (const d of rows) expect(() => transitionDocSchema.parse(d)).not.toThrow();
  });
});
