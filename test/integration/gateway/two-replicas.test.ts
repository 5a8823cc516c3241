import { randomUUID } from 'node:crypto';
import { config } from '../../../src/config';
import { GATEWAY_REPLICAS, type ReplicaHeartbeat } from '../../../src/gateway/replica-store';
import { countersOf } from '../../../src/kpis/bucket-codec';
import { secondDocs } from '../../support/kpi-docs';
import { createBlobStore, ensureIndexes } from '../../../src/registry';
import { createRouteStore, ensureRoutingIndexes, type RouteSpec } from '../../../src/routing';
import { startGateway, type GatewayProcess } from '../../support/gateway-process';
import { openTestDb } from '../../support/mongo';
import { syntheticUsers, trainSmallModel } from '../../support/trained-models';
import type { Mongo } from '../../../src/db';
import { stuckAfter } from '../../support/time-factor';

jest.setTimeout(stuckAfter(120_000));

interface Rec { version: string; variant: string; items: number[]; generation: number; fallback: boolean }

const get = async (gw: GatewayProcess, model: string, user: number, k = 10) => {
  const res = await fetch(`${gw.url}/v1/recommendations?model=${model}&user=${user}&k=${k}`);
  return { status: res.status, body: (await res.json()) as Rec & { error?: string; message?: string } };
};

async function until<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs: number): Promise<{ value: T; ms: number }> {
  const started = Date.now();
  for (;;) {
    const value = await probe();
    if (value) return { value, ms: Date.now() - started };
    if (Date.now() - started > timeoutMs) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('two gateway replicas over HTTP on one routing document', () => {
  let mongo: Mongo;
  let gateways: GatewayProcess[] = [];
  const model = `recs-${randomUUID().slice(0, 8)}`;
  const stable = trainSmallModel(1);
  const candidate = trainSmallModel(2);
  const users = syntheticUsers();
  const routes = () => createRouteStore(mongo.db);
  let step = 0;
  const setRoute = (spec: Partial<RouteSpec>) =>
    routes().apply({
      model,
      key: `test:${model}:${++step}`,
      actor: 'test',
      reason: 'test',
      spec: { stable: { version: '1.0.0', sha256: stable.sha256 }, candidate: null, shadow: null, killSwitch: 'off', ...spec },
    });

  beforeAll(async () => {
    mongo = await openTestDb('gateway');
    await ensureIndexes(mongo.db);
    await ensureRoutingIndexes(mongo.db);
    const artifacts = createBlobStore(mongo.db, 'artifacts');
    await artifacts.put(stable.bytes, { sha256: stable.sha256 });
    await artifacts.put(candidate.bytes, { sha256: candidate.sha256 });
    await setRoute({ candidate: { version: '1.1.0', sha256: candidate.sha256, percent: 10 } });
    const env = { MONGODB_URI: config().MONGODB_URI, MONGODB_DB: mongo.db.databaseName, GATEWAY_POLL_MS: '100', GATEWAY_KPI_FLUSH_MS: '200' };
    gateways = await Promise.all([startGateway(env, 'replica-a'), startGateway(env, 'replica-b')]);
    await until('both replicas ready', async () => (await Promise.all(gateways.map((g) => fetch(`${g.url}/readyz`)))).every((r) => r.ok), 20_000);
  });

  afterAll(async () => {
    await Promise.all(gateways.map((g) => g.stop()));
    await mongo?.close();
  });

  it('sends 10% ± 2% of 5,000 users to the candidate at a 90/10 split, and every user sticks across replicas', async () => {
    const population = Array.from({ length: 5000 }, (_, i) => 100_000 + i);
    const first = new Map<number, string>();
    for (let i = 0; i < population.length; i += 100) {
      const batch = population.slice(i, i + 100);
      const answers = await Promise.all(batch.map((u) => get(gateways[0], model, u)));
      answers.forEach((a, j) => first.set(batch[j], a.body.version));
    }
    const share = [...first.values()].filter((v) => v === '1.1.0').length / population.length;
    expect(share).toBeGreaterThanOrEqual(0.08);
    expect(share).toBeLessThanOrEqual(0.12);

    const again = await Promise.all(population.slice(0, 1000).map((u) => get(gateways[1], model, u)));
    again.forEach((a, i) => expect(a.body.version).toBe(first.get(population[i])));
  });

  it('hot-swaps routes under live replayed traffic without dropping a request', async () => {
    const { replayTraffic } = await import('../../../src/traffic/replayer');
    const cases = users.map((userId) => ({ userId, relevant: [1, 2, 3], seen: [] }));
    const replay = replayTraffic({
      gateways: gateways.map((g) => g.url),
      model,
      cases,
      ratePerSec: 300,
      maxRequests: 900,
      maxDurationMs: 10_000,
    });
    for (const percent of [20, 60, 0, 30]) {
      await new Promise((r) => setTimeout(r, 400));
      await setRoute({ candidate: { version: '1.1.0', sha256: candidate.sha256, percent } });
    }
    const stats = await replay;
    expect(stats.sent).toBe(900);
    expect(stats.errors).toBe(0);
    expect(stats.ok).toBe(900);
    expect(stats.byVersion['1.1.0'].requests).toBeGreaterThan(0);
    expect(stats.byVersion['1.0.0'].requests).toBeGreaterThan(0);
  });

  it('shows a move to 50/50 on both replicas within 1 s, and both acknowledge the generation', async () => {
    const route = await setRoute({ candidate: { version: '1.1.0', sha256: candidate.sha256, percent: 50 } });
    const seen = await Promise.all(
      gateways.map((g) => until(`${g.replicaId} serves generation ${route.generation}`, async () => (await get(g, model, 1)).body.generation === route.generation, 5000)),
    );
    for (const s of seen) expect(s.ms).toBeLessThan(1000);

    const acked = await until('heartbeats acknowledge', async () => {
      const beats = await mongo.db.collection<ReplicaHeartbeat>(GATEWAY_REPLICAS).find({}).toArray();
      return beats.length === 2 && beats.every((b) => b.generations[model] === route.generation) && beats;
    }, 3000);
    expect(acked.value.map((b) => b._id).sort()).toEqual(['replica-a', 'replica-b']);

    const sample = await Promise.all(users.slice(0, 300).map((u) => get(gateways[1], model, u)));
    const share = sample.filter((a) => a.body.version === '1.1.0').length / sample.length;
    expect(share).toBeGreaterThan(0.35);
    expect(share).toBeLessThan(0.65);
  });

  it('applies the kill switch within 1 s: only stable is served', async () => {
    const route = await setRoute({ candidate: { version: '1.1.0', sha256: candidate.sha256, percent: 50 }, killSwitch: 'stable-only' });
    const seen = await Promise.all(
      gateways.map((g) => until('kill switch live', async () => (await get(g, model, 1)).body.generation === route.generation, 5000)),
    );
    for (const s of seen) expect(s.ms).toBeLessThan(1000);
    const sample = await Promise.all(users.slice(0, 200).map((u) => get(gateways[0], model, u)));
    expect(new Set(sample.map((a) => a.body.version))).toEqual(new Set(['1.0.0']));
  });

  it('refuses a corrupt candidate artifact while stable traffic sees zero errors', async () => {
    const corrupt = trainSmallModel(3);
    const damaged = Buffer.from(corrupt.bytes);
    damaged.writeUInt32LE(0xdeadbeef, 0); // bad magic, so the loader refuses it even though its checksum is honest
    const { sha256: corruptSha } = await createBlobStore(mongo.db, 'artifacts').put(damaged, {
      sha256: (await import('../../../src/models')).artifactSha256(damaged),
    });
    const before = await setRoute({});
    await Promise.all(gateways.map((g) => until('stable-only generation', async () => (await get(g, model, 1)).body.generation === before.generation, 5000)));

    const route = await setRoute({ candidate: { version: '1.2.0', sha256: corruptSha, percent: 50 } });
    const answers: { status: number; body: Rec }[] = [];
    const deadline = Date.now() + 1500;
    while (Date.now() < deadline) answers.push(...(await Promise.all(users.slice(0, 50).map((u) => get(gateways[answers.length % 2], model, u)))));
    expect(answers.every((a) => a.status === 200 && a.body.version === '1.0.0')).toBe(true);
    expect(answers.every((a) => a.body.generation === before.generation)).toBe(true);

    for (const g of gateways) {
      const ready = (await (await fetch(`${g.url}/readyz`)).json()) as { loadErrors: Record<string, string> };
      expect(ready.loadErrors[model]).toMatch(new RegExp(`generation ${route.generation}: .*magic`, 'i'));
    }
  });

  it('computes shadow results but never returns them', async () => {
    const route = await setRoute({ shadow: { version: '1.1.0', sha256: candidate.sha256, percent: 100 } });
    await Promise.all(gateways.map((g) => until('shadow live', async () => (await get(g, model, 1)).body.generation === route.generation, 5000)));
    const answers = await Promise.all(users.slice(0, 200).map((u) => get(gateways[0], model, u)));
    for (const a of answers) {
      expect(a.body.version).toBe('1.0.0');
      expect(a.body.variant).toBe('stable');
      expect(Object.keys(a.body).sort()).toEqual(['cached', 'fallback', 'generation', 'items', 'model', 'user', 'variant', 'version']);
    }
    const shadowed = await until('shadow KPIs flushed', async () => {
      const docs = await secondDocs(mongo.db, model, '1.1.0');
      const total = docs.map(countersOf).reduce((n, c) => n + c.shadowRequests, 0);
      return total >= 200 && total;
    }, 3000);
    expect(shadowed.value).toBeGreaterThanOrEqual(200);
  });
});
