import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { timingSafeEqual } from 'node:crypto';
import type { RouteStore } from '../routing';
import { errorHandler, HttpError, parseOr400 } from './http-errors';
import { parseJsonBodies } from './json-body';
import type { KpiRecorder } from './kpi-recorder';
import type { GatewayMetrics } from './metrics';
import type { RecentRecommendations } from './recent-recommendations';
import { createRecommender } from './recommend';
import { feedbackBodySchema, killSwitchBodySchema, recommendationQuerySchema } from './schemas';
import type { ServedModels } from './served-models';

export interface GatewayAppDeps {
  replicaId: string;
  served: ServedModels;
  kpis: KpiRecorder;
  recent: RecentRecommendations;
  metrics: GatewayMetrics;
  routes: RouteStore;
  adminToken: string;
  isReady: () => boolean;
  refresh: () => Promise<void>;
  defaultModel?: string;
  cache: { ttlMs: number; max: number };
  logger?: boolean;
}

/** The HTTP face of one gateway replica, without a listener, so tests can drive it with `inject`. */
export function buildGatewayApp(deps: GatewayAppDeps): FastifyInstance {
  // Keep-alive clients must not hold a stopping replica open.
  const app = Fastify({ logger: deps.logger ?? false, forceCloseConnections: true });
  app.setErrorHandler(errorHandler);
  parseJsonBodies(app);
  const recommend = createRecommender({ ...deps, log: app.log });

  function requireAdmin(request: FastifyRequest): void {
    const header = request.headers.authorization ?? '';
    const given = Buffer.from(header.startsWith('Bearer ') ? header.slice(7) : '');
    const expected = Buffer.from(deps.adminToken);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw new HttpError(401, 'unauthorized', 'authorization: a valid bearer token is required');
    }
  }

  app.get('/v1/recommendations', async (request) => recommend(parseOr400(recommendationQuerySchema, request.query)));

  app.post('/v1/feedback', async (request) => {
    const body = parseOr400(feedbackBodySchema, request.body);
    const model = body.model ?? deps.defaultModel ?? (deps.served.models().length === 1 ? deps.served.models()[0] : undefined);
    if (!model) throw new HttpError(400, 'bad_request', 'model: required because this gateway serves several models');
    // Only what this replica routes is counted: feedback cannot write KPIs for a model or version nobody serves.
    const route = deps.served.get(model);
    if (!route) throw new HttpError(404, 'unknown_model', `model: '${model}' has no routing on this gateway`);
    if (!route.models.has(body.version)) throw new HttpError(404, 'unknown_version', `version: ${model} ${body.version} is not routed on this gateway; feedback counts only for versions it serves`);
    const success = body.event !== 'dismiss' && deps.recent.recommended(model, body.version, body.user, body.item);
    deps.kpis.feedback(model, body.version, success, body.user);
    deps.metrics.feedback.inc({ model, version: body.version, success: String(success) });
    return { recorded: true, success };
  });

  app.get('/healthz', async () => ({ status: 'alive', replica: deps.replicaId }));

  app.get('/readyz', async (_request, reply) => {
    const ready = deps.isReady();
    return reply.status(ready ? 200 : 503).send({
      status: ready ? 'ready' : 'not ready',
      replica: deps.replicaId,
      generations: deps.served.generations(),
      loadErrors: deps.served.loadErrors(),
    });
  });

  app.get('/metrics', async (_request, reply) => {
    for (const [model, generation] of Object.entries(deps.served.generations())) deps.metrics.generation.set({ model }, generation);
    for (const model of deps.served.models()) deps.metrics.loadErrors.set({ model }, model in deps.served.loadErrors() ? 1 : 0);
    return reply.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics());
  });

  app.get('/admin/state', async (request) => {
    requireAdmin(request);
    return {
      replica: deps.replicaId,
      generations: deps.served.generations(),
      loadErrors: deps.served.loadErrors(),
      routes: deps.served.models().map((m) => deps.served.get(m)!.route),
    };
  });

  app.post('/admin/refresh', async (request) => {
    requireAdmin(request);
    await deps.refresh();
    return { generations: deps.served.generations() };
  });

  app.post<{ Params: { model: string } }>('/admin/models/:model/kill-switch', async (request) => {
    requireAdmin(request);
    const body = parseOr400(killSwitchBodySchema, request.body);
    const current = await deps.routes.current(request.params.model);
    if (!current) throw new HttpError(404, 'unknown_model', `model: '${request.params.model}' has no routing`);
    const { stable, candidate, shadow } = current;
    const route = await deps.routes.apply({
      model: request.params.model,
      key: `kill-switch:${request.params.model}:${current.generation}:${body.mode}`,
      actor: body.actor,
      reason: body.reason,
      spec: { stable, candidate, shadow, killSwitch: body.mode },
      expectedGeneration: current.generation,
    });
    await deps.refresh();
    return { model: request.params.model, killSwitch: route.killSwitch, generation: route.generation };
  });

  return app;
}
