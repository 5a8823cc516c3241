import { randomUUID } from 'node:crypto';
import { config } from '../../../src/config';
import { addCounters, emptyCounters } from '../../../src/contracts/kpi';
import { countersOf } from '../../../src/kpis/bucket-codec';
import { secondDocs } from '../../support/kpi-docs';
import { createBlobStore, ensureIndexes } from '../../../src/registry';
import { createRouteStore, ensureRoutingIndexes } from '../../../src/routing';
import { startGateway, type GatewayProcess } from '../../support/gateway-process';
import { openTestDb } from '../../support/mongo';
import { syntheticUsers, trainSmallModel } from '../../support/trained-models';
import type { Mongo } from '../../../src/db';
import { stuckAfter } from '../../support/time-factor';

jest.setTimeout(stuckAfter(120_000));

describe('gateway KPIs and operations, two replicas', () => {
  let mongo: Mongo;
  let gateways: GatewayProcess[] = [];
  const model = `kpi-${randomUUID().slice(0, 8)}`;
  const stable = trainSmallModel(11);
  const flaky = trainSmallModel(12, { failureRate: 0.25 });
  const token = 'integration-admin-token-0123456789';
  const users = syntheticUsers().slice(0, 200);

  beforeAll(async () => {
    mongo = await openTestDb('gwkpi');
    await ensureIndexes(mongo.db);
    await ensureRoutingIndexes(mongo.db);
    const artifacts = createBlobStore(mongo.db, 'artifacts');
    await artifacts.put(stable.bytes, { sha256: stable.sha256 });
    await artifacts.put(flaky.bytes, { sha256: flaky.sha256 });
    await createRouteStore(mongo.db).apply({
      model,
      key: `kpi:${model}:1`,
      actor: 'test',
      reason: 'test',
      spec: { stable: { version: '2.0.0', sha256: stable.sha256 }, candidate: { version: '2.1.0', sha256: flaky.sha256, percent: 50 }, shadow: null, killSwitch: 'off' },
    });
    const env = {
      MONGODB_URI: config().MONGODB_URI,
      MONGODB_DB: mongo.db.databaseName,
      GATEWAY_POLL_MS: '100',
      GATEWAY_KPI_FLUSH_MS: '200',
      GATEWAY_ADMIN_TOKEN: token,
      GATEWAY_CACHE_MAX: '0',
    };
    gateways = await Promise.all([startGateway(env, `kpi-a-${model}`), startGateway(env, `kpi-b-${model}`)]);
    for (const g of gateways) {
      for (let i = 0; i < 200 && !(await fetch(`${g.url}/readyz`)).ok; i++) await new Promise((r) => setTimeout(r, 50));
    }
  });

  afterAll(async () => {
    await Promise.all(gateways.map((g) => g.stop()));
    await mongo?.close();
  });

  it('refuses admin calls without the bearer token and changes nothing', async () => {
    const before = await createRouteStore(mongo.db).current(model);
    const attempts = [
      fetch(`${gateways[0].url}/admin/models/${model}/kill-switch`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ mode: 'stable-only', reason: 'no token', actor: 'mallory' }),
      }),
      fetch(`${gateways[0].url}/admin/models/${model}/kill-switch`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer wrong-token-wrong-token-000' },
        body: JSON.stringify({ mode: 'stable-only', reason: 'bad token', actor: 'mallory' }),
      }),
      fetch(`${gateways[1].url}/admin/state`),
      fetch(`${gateways[1].url}/admin/refresh`, { method: 'POST' }),
    ];
    for (const res of await Promise.all(attempts)) {
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ error: 'unauthorized', message: 'authorization: a valid bearer token is required' });
    }
    expect(await createRouteStore(mongo.db).current(model)).toEqual(before);
  });

  it('answers bad requests with the field and the rule', async () => {
    const cases: [string, RegExp][] = [
      [`/v1/recommendations?model=${model}&user=abc`, /^user: /],
      [`/v1/recommendations?model=${model}&user=5&k=0`, /^k: must be at least 1$/],
      [`/v1/recommendations?model=${model}&user=5&k=1000`, /^k: must be at most 100$/],
      [`/v1/recommendations?model=no-such-model&user=5`, /^model: 'no-such-model' has no routing/],
    ];
    for (const [path, message] of cases) {
      const res = await fetch(`${gateways[0].url}${path}`);
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(((await res.json()) as { message: string }).message).toMatch(message);
    }
    const fb = await fetch(`${gateways[0].url}/v1/feedback`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model, user: 1, item: 2, version: 'latest', event: 'like' }),
    });
    expect(fb.status).toBe(400);
    expect(((await fb.json()) as { message: string }).message).toBe(
      'version: must be a semantic version major.minor.patch of non-negative integers without leading zeros, e.g. 1.4.2; event: must be click, consume, purchase or dismiss',
    );
  });

  it('refuses a JSON body with a prototype key by naming the key and the rule, and malformed JSON as not valid JSON', async () => {
    const post = async (path: string, body: string, headers: Record<string, string> = {}) => {
      const res = await fetch(`${gateways[0].url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
      return { status: res.status, body: (await res.json()) as { error: string; message: string } };
    };
    const feedback = `{"model":"${model}","user":1,"item":2,"version":"2.0.0","event":"click"`;
    const rule = 'keys that would reach an object\'s prototype (__proto__, constructor.prototype) are not accepted anywhere in a body';
    expect(await post('/v1/feedback', `${feedback},"__proto__":{"polluted":true}}`)).toEqual({ status: 400, body: { error: 'bad_request', message: `body: the key "__proto__" is refused: ${rule}` } });
    expect(await post('/v1/feedback', `${feedback},"extra":{"constructor":{"prototype":{"polluted":true}}}}`)).toEqual({
      status: 400,
      body: { error: 'bad_request', message: `body: the key "constructor.prototype" is refused: ${rule}` },
    });
    const killSwitch = await post(`/admin/models/${model}/kill-switch`, '{"mode":"stable-only","reason":"x","actor":"ops","__proto__":{}}', { authorization: `Bearer ${token}` });
    expect(killSwitch.status).toBe(400);
    expect(killSwitch.body.message).toContain('body: the key "__proto__" is refused');
    expect(await createRouteStore(mongo.db).current(model)).toMatchObject({ killSwitch: 'off' });
    const malformed = await post('/v1/feedback', `${feedback},}`);
    expect(malformed.status).toBe(400);
    expect(malformed.body.message).toMatch(/^body: not valid JSON \(/);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('flips the kill switch through the admin API with the token, at once on both replicas', async () => {
    const res = await fetch(`${gateways[0].url}/admin/models/${model}/kill-switch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ mode: 'stable-only', reason: 'drill', actor: 'ops' }),
    });
    expect(res.status).toBe(200);
    const { generation } = (await res.json()) as { generation: number };
    const ready = (await (await fetch(`${gateways[0].url}/readyz`)).json()) as { generations: Record<string, number> };
    expect(ready.generations[model]).toBe(generation);
    const route = await createRouteStore(mongo.db).current(model);
    expect(route).toMatchObject({ killSwitch: 'stable-only', generation, updatedBy: 'ops', reason: 'drill' });

    const back = await fetch(`${gateways[1].url}/admin/models/${model}/kill-switch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ mode: 'off', reason: 'drill over', actor: 'ops' }),
    });
    expect(((await back.json()) as { generation: number }).generation).toBe(generation + 1);
  });

  it('adds up both replicas\' requests, errors and feedback successes in the KPI buckets exactly as sent', async () => {
    const sent: Record<string, { requests: number; errors: number; feedback: number; successes: number }> = {};
    const tally = (v: string) => (sent[v] ??= { requests: 0, errors: 0, feedback: 0, successes: 0 });
    for (let round = 0; round < 3; round++) {
      await Promise.all(
        users.map(async (user, i) => {
          const gw = gateways[(user + round) % 2];
          const res = await fetch(`${gw.url}/v1/recommendations?model=${model}&user=${user}&k=5`);
          const body = (await res.json()) as { version: string; items: number[]; error?: string };
          if (res.status === 503) {
            tally(body.error === 'model_failure' ? '2.1.0' : 'unknown').requests++;
            tally('2.1.0').errors++;
            return;
          }
          expect(res.status).toBe(200);
          tally(body.version).requests++;
          // Every third user consumes a recommended item; every fifth reports an item it was never recommended.
          const item = i % 3 === 0 ? body.items[0] : i % 5 === 0 ? 999_999 : undefined;
          if (item === undefined) return;
          const fb = await fetch(`${gw.url}/v1/feedback`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ model, user, item, version: body.version, event: 'consume' }),
          });
          expect(fb.status).toBe(200);
          tally(body.version).feedback++;
          if (item !== 999_999) tally(body.version).successes++;
        }),
      );
    }
    expect(sent['2.1.0'].errors).toBeGreaterThan(0);

    await Promise.all(gateways.map((g) => g.stop()));
    const stored = await secondDocs(mongo.db, model);
    const byVersion: Record<string, ReturnType<typeof emptyCounters>> = {};
    for (const doc of stored) addCounters((byVersion[doc.version] ??= emptyCounters()), countersOf(doc));
    for (const [version, expected] of Object.entries(sent)) {
      expect({ version, ...expected }).toEqual({
        version,
        requests: byVersion[version].requests,
        errors: byVersion[version].errors,
        feedback: byVersion[version].feedback,
        successes: byVersion[version].successes,
      });
      expect(byVersion[version].latency.reduce((a, b) => a + b, 0)).toBe(expected.requests);
      // With the cache off, every request was ranked by its version.
      expect(byVersion[version].uncachedLatency).toEqual(byVersion[version].latency);
    }
    gateways = [];
  });
});
