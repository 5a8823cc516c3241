import type { Mongo } from '../../../src/db';
import { createAbandonedRollouts, type RunState } from '../../../src/operations/abandoned-rollout';
import { createRolloutLocks, createRouteStore } from '../../../src/routing';
import { createPipelineFixture, type PipelineFixture } from '../../support/pipeline-fixture';
import { openTestDb } from '../../support/mongo';

const MODEL = 'films';
const V1 = { version: '1.0.0', sha256: '' };
const V2 = { version: '2.0.0', sha256: '' };

/**
 * A run that got as far as its promotion (route at 100%, champion and last-known-good moved) and was terminated before
 * it finished: everything it wrote carries its keys, and the server says it is closed.
 */
describe('restoring what a closed pipeline run left in production, on the real store', () => {
  let mongo: Mongo;
  let fixture: PipelineFixture;
  const dead = { workflowId: `deploy-${MODEL}-2.0.0`, runId: 'run-dead' };
  const key = (step: string) => `${dead.workflowId}:${dead.runId}:${step}`;
  let state: RunState = { running: true, status: 'RUNNING', version: '2.0.0', runId: dead.runId };

  beforeAll(async () => {
    mongo = await openTestDb('abandoned');
    fixture = await createPipelineFixture(mongo.db, MODEL);
    V1.sha256 = await fixture.register('1.0.0', { seed: 1 });
    V2.sha256 = await fixture.register('2.0.0', { seed: 2 });
    const { registry } = fixture;
    const routes = createRouteStore(mongo.db);
    for (const to of ['validating', 'awaiting_approval', 'rolling_out', 'production'] as const) await registry.transition({ model: MODEL, version: '1.0.0', to, actor: 'user:test', reason: 'setup', key: `setup:1:${to}` });
    await registry.moveAlias({ model: MODEL, alias: 'champion', to: '1.0.0', expected: null, actor: 'user:test', reason: 'setup', key: 'setup:champion' });
    await routes.apply({ model: MODEL, key: 'setup:route', actor: 'user:test', reason: 'setup', spec: { stable: V1, candidate: null, shadow: null, killSwitch: 'off' } });

    await createRolloutLocks(mongo.db).acquire(MODEL, dead);
    for (const to of ['validating', 'awaiting_approval', 'rolling_out'] as const) await registry.transition({ model: MODEL, version: '2.0.0', to, actor: 'user:test', reason: 'run', key: key(to) });
    await routes.apply({ model: MODEL, key: key('route:shadow'), actor: 'user:test', reason: 'run', spec: { stable: V1, candidate: null, shadow: { ...V2, percent: 100 }, killSwitch: 'off' } });
    await routes.apply({ model: MODEL, key: key('route:full'), actor: 'user:test', reason: 'run', spec: { stable: V1, candidate: { ...V2, percent: 100 }, shadow: null, killSwitch: 'off' } });
    await registry.moveAlias({ model: MODEL, alias: 'champion', to: '2.0.0', expected: '1.0.0', actor: 'user:test', reason: 'run', key: key('alias:champion') });
    await registry.moveAlias({ model: MODEL, alias: 'last-known-good', to: '1.0.0', expected: null, actor: 'user:test', reason: 'run', key: key('alias:lkg') });
  });
  afterAll(async () => mongo?.close());

  const abandoned = () =>
    createAbandonedRollouts(mongo.db, fixture.registry, createRouteStore(mongo.db), createRolloutLocks(mongo.db, async () => !state.running), async () => state);

  it('touches nothing while the run holding the lock still runs', async () => {
    expect(await abandoned().restore(MODEL)).toBeNull();
    expect((await fixture.registry.getAlias(MODEL, 'champion')).version).toBe('2.0.0');
  });

  it('puts the route, both aliases and the status back as they were before the run, frees the lock, and does it once', async () => {
    state = { running: false, status: 'TERMINATED', version: '2.0.0', runId: dead.runId };
    const restored = await abandoned().restore(MODEL);
    expect(restored).toMatchObject({
      closedAs: 'TERMINATED',
      route: { from: 3, backTo: 1, generation: 4 },
      aliases: [
        { alias: 'champion', from: '2.0.0', to: '1.0.0' },
        { alias: 'last-known-good', from: '1.0.0', to: null },
      ],
      status: { from: 'rolling_out', to: 'rolled_back' },
    });
    const route = (await createRouteStore(mongo.db).current(MODEL))!;
    expect({ stable: route.stable, candidate: route.candidate, shadow: route.shadow }).toEqual({ stable: V1, candidate: null, shadow: null });
    expect((await fixture.registry.getAlias(MODEL, 'champion')).version).toBe('1.0.0');
    expect((await fixture.registry.getAlias(MODEL, 'last-known-good')).version).toBeNull();
    expect((await fixture.registry.getVersion(MODEL, '2.0.0'))!.status).toBe('rolled_back');
    expect((await fixture.registry.getVersion(MODEL, '1.0.0'))!.status).toBe('production');
    expect(await createRolloutLocks(mongo.db).holder(MODEL)).toBeNull();
    expect(await abandoned().restore(MODEL)).toBeNull();
  });
});
