// One server under load for bench-gateway, in its own process so the load generator does not share its event loop.
// `bare` is a Fastify route returning a constant; `gateway` is a real replica on the database named by MONGODB_DB.
import Fastify from 'fastify';
import { config } from '../../src/config';
import { connectMongo } from '../../src/db';
import { createReplica } from '../../src/gateway/replica';
import { createBlobStore } from '../../src/registry';

async function main(): Promise<void> {
  const mode = process.argv[2];
  if (mode === 'bare') {
    const app = Fastify();
    const body = { model: 'bench', user: 1, version: '1.0.0', variant: 'stable', generation: 1, items: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], fallback: false, cached: false };
    app.get('/v1/recommendations', async () => body);
    await app.listen({ host: '127.0.0.1', port: 0 });
    console.log(JSON.stringify({ port: (app.server.address() as { port: number }).port }));
    return;
  }
  const env = config();
  const mongo = await connectMongo(env);
  const artifacts = createBlobStore(mongo.db, 'artifacts');
  const replica = createReplica({
    runtime: env.MODEL_RUNTIME,
    db: mongo.db,
    fetchArtifact: (sha) => artifacts.read(sha),
    replicaId: `bench-${process.pid}`,
    adminToken: env.GATEWAY_ADMIN_TOKEN,
    pollMs: env.GATEWAY_POLL_MS,
    kpiFlushMs: env.GATEWAY_KPI_FLUSH_MS,
    cache: { ttlMs: env.GATEWAY_CACHE_TTL_MS, max: env.GATEWAY_CACHE_MAX },
  });
  await replica.refresh();
  replica.start();
  await replica.app.listen({ host: '127.0.0.1', port: 0 });
  console.log(JSON.stringify({ port: (replica.app.server.address() as { port: number }).port }));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
