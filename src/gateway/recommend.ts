import type { FastifyBaseLogger } from 'fastify';
import { LRUCache } from 'lru-cache';
import { assignVariant } from '../routing';
import { HttpError } from './http-errors';
import type { KpiRecorder } from './kpi-recorder';
import type { GatewayMetrics } from './metrics';
import type { RecentRecommendations } from './recent-recommendations';
import type { LoadedModel, ServedModels } from './served-models';

export interface Recommendation {
  model: string;
  user: number;
  version: string;
  variant: 'stable' | 'candidate';
  generation: number;
  items: number[];
  fallback: boolean;
  cached: boolean;
}

export interface RecommendDeps {
  served: ServedModels;
  kpis: KpiRecorder;
  recent: RecentRecommendations;
  metrics: GatewayMetrics;
  log: FastifyBaseLogger;
  defaultModel?: string;
  cache: { ttlMs: number; max: number };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function createRecommender(deps: RecommendDeps) {
  const { served, kpis, recent, metrics } = deps;
  const cache = deps.cache.max > 0 && deps.cache.ttlMs > 0
    ? new LRUCache<string, { items: number[]; fallback: boolean }>({ max: deps.cache.max, ttl: deps.cache.ttlMs })
    : null;

  function resolveModel(model: string | undefined): string {
    if (model) return model;
    if (deps.defaultModel) return deps.defaultModel;
    const all = served.models();
    if (all.length === 1) return all[0];
    throw new HttpError(400, 'bad_request', 'model: required because this gateway serves several models');
  }

  async function score(loaded: LoadedModel, user: number, k: number, fallbackOnly: boolean) {
    const key = `${loaded.sha256}|${fallbackOnly ? 'f' : user}|${k}`;
    const hit = cache?.get(key);
    if (hit) return { ...hit, cached: true };
    // The popularity fallback answers for an id no model knows; negative ids are refused at the edge.
    const result = await loaded.scorer.topK(fallbackOnly ? -1 : user, k);
    const entry = { items: result.items, fallback: result.fallback };
    cache?.set(key, entry);
    return { ...entry, cached: false };
  }

  function runShadow(model: string, loaded: LoadedModel, user: number, k: number, servedItems: number[]): void {
    setImmediate(async () => {
      try {
        // An injected failure fails the mirrored request too, so the shadow stage sees what users would have seen.
        if (loaded.nextFault().fail) throw new Error(`injected failure of ${loaded.version}`);
        const { items } = await loaded.scorer.topK(user, k);
        const servedSet = new Set(servedItems);
        const overlap = k === 0 ? 0 : items.filter((i) => servedSet.has(i)).length / k;
        kpis.shadow(model, loaded.version, { error: false, overlap }, user);
      } catch (err) {
        deps.log.warn({ err, model, version: loaded.version }, 'shadow scoring failed');
        kpis.shadow(model, loaded.version, { error: true, overlap: 0 }, user);
      }
    });
  }

  return async function recommend(query: { model?: string; user: number; k: number }): Promise<Recommendation> {
    const started = performance.now();
    const model = resolveModel(query.model);
    const state = served.get(model);
    if (!state) throw new HttpError(404, 'unknown_model', `model: '${model}' has no routing on this gateway`);
    const assignment = assignVariant(model, String(query.user), state.route);
    if (!assignment.served) throw new HttpError(503, 'no_target', `model: '${model}' has no version to serve`);
    const loaded = state.models.get(assignment.served.version)!;
    const variant = assignment.served.role;

    // Every failure to answer, injected or thrown by the scorer, is an error of the version that was asked.
    const countError = () => {
      kpis.request(model, loaded.version, performance.now() - started, { error: true, fallback: false, cached: false }, query.user);
      metrics.requests.inc({ model, version: loaded.version, variant, outcome: 'error' });
    };
    const fault = loaded.nextFault();
    if (fault.delayMs > 0) await sleep(fault.delayMs);
    if (fault.fail) {
      countError();
      throw new HttpError(503, 'model_failure', `model ${model} ${loaded.version} failed to answer`);
    }

    let result: Awaited<ReturnType<typeof score>>;
    try {
      result = await score(loaded, query.user, query.k, assignment.fallbackOnly);
    } catch (err) {
      countError();
      throw err;
    }
    recent.remember(model, loaded.version, query.user, result.items);
    if (assignment.shadow) runShadow(model, state.models.get(assignment.shadow.version)!, query.user, query.k, result.items);

    const ms = performance.now() - started;
    kpis.request(model, loaded.version, ms, { error: false, fallback: result.fallback, cached: result.cached }, query.user);
    metrics.requests.inc({ model, version: loaded.version, variant, outcome: 'ok' });
    metrics.latency.observe({ model, version: loaded.version }, ms / 1000);
    return { model, user: query.user, version: loaded.version, variant, generation: state.route.generation, ...result };
  };
}
