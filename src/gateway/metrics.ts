import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Prometheus view of one replica; the shared KPI buckets in MongoDB are what monitoring windows read. */
export function createGatewayMetrics() {
  const registry = new Registry();
  return {
    registry,
    requests: new Counter({
      name: 'modelship_gateway_requests_total',
      help: 'Recommendation requests by model, version, variant and outcome',
      labelNames: ['model', 'version', 'variant', 'outcome'] as const,
      registers: [registry],
    }),
    latency: new Histogram({
      name: 'modelship_gateway_request_duration_seconds',
      help: 'Recommendation latency',
      labelNames: ['model', 'version'] as const,
      buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1],
      registers: [registry],
    }),
    feedback: new Counter({
      name: 'modelship_gateway_feedback_total',
      help: 'Feedback events by model, version and whether the version had recommended the item',
      labelNames: ['model', 'version', 'success'] as const,
      registers: [registry],
    }),
    generation: new Gauge({
      name: 'modelship_gateway_route_generation',
      help: 'Routing generation served per model',
      labelNames: ['model'] as const,
      registers: [registry],
    }),
    loadErrors: new Gauge({
      name: 'modelship_gateway_route_load_errors',
      help: '1 while the newest routing of a model could not be loaded',
      labelNames: ['model'] as const,
      registers: [registry],
    }),
  };
}

export type GatewayMetrics = ReturnType<typeof createGatewayMetrics>;
