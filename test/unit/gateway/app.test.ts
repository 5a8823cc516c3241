import { buildGatewayApp } from '../../../src/gateway/app';
import { createGatewayMetrics } from '../../../src/gateway/metrics';
import { createRecentRecommendations } from '../../../src/gateway/recent-recommendations';
import type { ServedModels, ServedRoute } from '../../../src/gateway/served-models';
import type { KpiRecorder } from '../../../src/gateway/kpi-recorder';
import type { RouteStore } from '../../../src/routing';

const sha = 'c'.repeat(64);

function appWith(topK: () => { items: number[]; scores: number[]; fallback: boolean }) {
  const route: ServedRoute = {
    route: {
      _id: 'recs', generation: 3, stable: { version: '1.0.0', sha256: sha }, candidate: null, shadow: null, killSwitch: 'off',
      updatedAt: new Date(), updatedBy: 't', reason: 't', changeKey: 'k',
    },
    models: new Map([['1.0.0', { version: '1.0.0', sha256: sha, scorer: { topK } as never, faults: undefined, nextFault: () => ({ delayMs: 0, fail: false }) }]]),
  };
  const served = {
    get: (m: string) => (m === 'recs' ? route : undefined),
    models: () => ['recs'],
    generations: () => ({ recs: 3 }),
    loadErrors: () => ({}),
  } as unknown as ServedModels;
  const recorded: string[] = [];
  const kpis = {
    request: (_m: string, v: string, _ms: number, o: { error: boolean; cached: boolean }) => recorded.push(`${v}:${o.error ? 'error' : 'ok'}${o.cached ? ':cached' : ''}`),
    feedback: (_m: string, v: string, s: boolean) => recorded.push(`${v}:feedback:${s}`),
    shadow: () => undefined,
  } as unknown as KpiRecorder;
  const app = buildGatewayApp({
    replicaId: 'unit',
    served,
    kpis,
    recent: createRecentRecommendations(),
    metrics: createGatewayMetrics(),
    routes: {} as RouteStore,
    adminToken: 'unit-test-admin-token-000',
    isReady: () => true,
    refresh: async () => undefined,
    cache: { ttlMs: 1000, max: 100 },
  });
  return { app, recorded };
}

describe('gateway app', () => {
  it('serves the routed version and credits feedback only for items it recommended', async () => {
    const { app, recorded } = appWith(() => ({ items: [10, 20], scores: [2, 1], fallback: false }));
    const rec = await app.inject({ url: '/v1/recommendations?user=7&k=2' });
    expect(rec.json()).toEqual({ model: 'recs', user: 7, version: '1.0.0', variant: 'stable', generation: 3, items: [10, 20], fallback: false, cached: false });
    const hit = await app.inject({ method: 'POST', url: '/v1/feedback', payload: { user: 7, item: 20, version: '1.0.0', event: 'consume' } });
    const miss = await app.inject({ method: 'POST', url: '/v1/feedback', payload: { user: 7, item: 30, version: '1.0.0', event: 'consume' } });
    const other = await app.inject({ method: 'POST', url: '/v1/feedback', payload: { user: 8, item: 20, version: '1.0.0', event: 'consume' } });
    expect([hit.json().success, miss.json().success, other.json().success]).toEqual([true, false, false]);
    expect(recorded).toEqual(['1.0.0:ok', '1.0.0:feedback:true', '1.0.0:feedback:false', '1.0.0:feedback:false']);
  });

  it('records feedback only for a model and version it routes, and refuses unknown fields', async () => {
    const { app, recorded } = appWith(() => ({ items: [10], scores: [1], fallback: false }));
    const post = (payload: object) => app.inject({ method: 'POST', url: '/v1/feedback', payload });
    const otherModel = await post({ model: 'spam', user: 7, item: 10, version: '1.0.0', event: 'click' });
    const otherVersion = await post({ user: 7, item: 10, version: '9.9.9', event: 'click' });
    const extra = await post({ user: 7, item: 10, version: '1.0.0', event: 'click', weight: 100 });
    expect([otherModel.statusCode, otherVersion.statusCode, extra.statusCode]).toEqual([404, 404, 400]);
    expect(otherModel.json().message).toBe("model: 'spam' has no routing on this gateway");
    expect(otherVersion.json().message).toBe('version: recs 9.9.9 is not routed on this gateway; feedback counts only for versions it serves');
    expect(extra.json().message).toBe('weight: not a field of the request');
    expect(recorded).toEqual([]);
  });

  it('answers the same request from the cache the second time, and tells the KPIs it was a cache hit', async () => {
    let calls = 0;
    const { app, recorded } = appWith(() => (calls++, { items: [1], scores: [1], fallback: false }));
    await app.inject({ url: '/v1/recommendations?user=7&k=1' });
    const second = await app.inject({ url: '/v1/recommendations?user=7&k=1' });
    expect(second.json().cached).toBe(true);
    expect(calls).toBe(1);
    expect(recorded).toEqual(['1.0.0:ok', '1.0.0:ok:cached']);
  });

  it('hides the internals of a 5xx, and counts a scorer that throws as an error of its version', async () => {
    const { app, recorded } = appWith(() => {
      throw new Error('secret stack detail: /srv/models/weights.bin');
    });
    const res = await app.inject({ url: '/v1/recommendations?user=7' });
    expect(recorded).toEqual(['1.0.0:error']);
    const metrics = await app.inject({ url: '/metrics' });
    expect(metrics.body).toMatch(/modelship_gateway_requests_total\{model="recs",version="1.0.0",variant="stable",outcome="error"\} 1/);
    expect(res.statusCode).toBe(500);
    const body = res.json();
    expect(body).toEqual({ error: 'internal', message: 'internal error', requestId: expect.any(String) });
    expect(res.body).not.toContain('secret');
  });

  it('exposes Prometheus metrics', async () => {
    const { app } = appWith(() => ({ items: [1], scores: [1], fallback: false }));
    await app.inject({ url: '/v1/recommendations?user=7&k=1' });
    const metrics = await app.inject({ url: '/metrics' });
    expect(metrics.headers['content-type']).toContain('text/plain');
    expect(metrics.body).toMatch(/modelship_gateway_requests_total\{model="recs",version="1.0.0",variant="stable",outcome="ok"\} 1/);
    expect(metrics.body).toMatch(/modelship_gateway_route_generation\{model="recs"\} 3/);
  });
});
