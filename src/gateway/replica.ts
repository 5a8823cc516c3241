import type { ModelRuntime } from '../models';
import type { Db } from 'mongodb';
import type { FastifyInstance } from 'fastify';
import { createRouteStore } from '../routing';
import { buildGatewayApp } from './app';
import { createHeartbeat } from './replica-store';
import { createKpiRecorder } from './kpi-recorder';
import { createGatewayMetrics } from './metrics';
import { createRecentRecommendations } from './recent-recommendations';
import { createServedModels, type FetchArtifact } from './served-models';

export interface ReplicaOptions {
  db: Db;
  fetchArtifact: FetchArtifact;
  /** Where modelship's own embedding artifacts rank (MODEL_RUNTIME); ONNX models always in onnxruntime. */
  runtime?: ModelRuntime;
  replicaId: string;
  adminToken: string;
  pollMs: number;
  kpiFlushMs: number;
  cache: { ttlMs: number; max: number };
  defaultModel?: string;
  url?: string;
  logger?: boolean;
}

export interface Replica {
  app: FastifyInstance;
  /** Reads routes once and loads what changed. */
  refresh(): Promise<void>;
  /** Starts polling routes, heart-beating and flushing KPIs. */
  start(): void;
  /** Stops the loops, flushes what is pending and leaves the replica list. */
  stop(): Promise<void>;
}

/** One gateway replica: the HTTP app plus the loops that keep it in step with MongoDB. */
export function createReplica(options: ReplicaOptions): Replica {
  const routes = createRouteStore(options.db);
  const served = createServedModels(options.fetchArtifact, options.runtime);
  const kpis = createKpiRecorder(options.db, options.replicaId);
  const heartbeat = createHeartbeat(options.db, options.replicaId, options.url);
  let synced = false;
  let refreshing: Promise<void> | null = null;
  let running = false;
  const timers = new Map<string, NodeJS.Timeout>();

  const isReady = () => synced && Object.keys(served.loadErrors()).every((m) => served.get(m) !== undefined);

  function refresh(): Promise<void> {
    refreshing ??= (async () => {
      try {
        await served.sync(await routes.list());
        synced = true;
        await heartbeat.beat({ ready: isReady(), generations: served.generations(), loadErrors: served.loadErrors() });
      } finally {
        refreshing = null;
      }
    })();
    return refreshing;
  }

  const app = buildGatewayApp({
    replicaId: options.replicaId,
    served,
    kpis,
    recent: createRecentRecommendations(),
    metrics: createGatewayMetrics(),
    routes,
    adminToken: options.adminToken,
    isReady,
    refresh,
    defaultModel: options.defaultModel,
    cache: options.cache,
    logger: options.logger,
  });

  function loop(ms: number, task: () => Promise<unknown>, what: string): void {
    const tick = () => {
      task()
        .catch((err) => app.log.warn({ err }, `${what} failed; will retry`))
        .finally(() => {
          if (running) timers.set(what, setTimeout(tick, ms));
        });
    };
    timers.set(what, setTimeout(tick, 0));
  }

  return {
    app,
    refresh,
    start() {
      running = true;
      loop(options.pollMs, refresh, 'route poll');
      loop(options.kpiFlushMs, () => kpis.flush(), 'KPI flush');
    },
    async stop() {
      running = false;
      for (const t of timers.values()) clearTimeout(t);
      await refreshing?.catch(() => undefined);
      await kpis.flush(true).catch((err) => app.log.warn({ err }, 'final KPI flush failed'));
      await heartbeat.remove().catch(() => undefined);
    },
  };
}
