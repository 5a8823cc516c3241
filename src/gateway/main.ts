import { hostname } from 'node:os';
import { config } from '../config';
import { connectMongo, logReachability, reconnectWhenMonitorStalls } from '../db';
import { createBlobStore } from '../registry';
import { createReplica } from './replica';

/** Listener for one gateway replica; everything testable lives in the app factory and the replica. */
async function main(): Promise<void> {
  const env = config();
  const mongo = await connectMongo(env);
  logReachability(mongo.client, (line) => console.warn(line));
  reconnectWhenMonitorStalls(mongo.client, (ms) => console.warn(`database monitor silent for ${ms} ms: reconnecting`));
  const artifacts = createBlobStore(mongo.db, 'artifacts');
  const replicaId = env.GATEWAY_REPLICA_ID ?? `${hostname()}:${env.GATEWAY_PORT}`;
  const replica = createReplica({
    db: mongo.db,
    fetchArtifact: (sha256) => artifacts.read(sha256),
    runtime: env.MODEL_RUNTIME,
    replicaId,
    adminToken: env.GATEWAY_ADMIN_TOKEN,
    pollMs: env.GATEWAY_POLL_MS,
    kpiFlushMs: env.GATEWAY_KPI_FLUSH_MS,
    cache: { ttlMs: env.GATEWAY_CACHE_TTL_MS, max: env.GATEWAY_CACHE_MAX },
    defaultModel: env.GATEWAY_DEFAULT_MODEL,
    url: `http://${env.GATEWAY_HOST}:${env.GATEWAY_PORT}`,
    logger: env.LOG_LEVEL === 'debug',
  });
  await replica.refresh().catch((err) => console.error(`first route load failed, will retry: ${err.message}`));
  replica.start();
  await replica.app.listen({ host: env.GATEWAY_HOST, port: env.GATEWAY_PORT });
  console.log(`gateway ${replicaId} listening on http://${env.GATEWAY_HOST}:${env.GATEWAY_PORT}`);

  const shutdown = async () => {
    // A final flush against an unreachable database must not keep the process alive for ever.
    setTimeout(() => process.exit(1), 10_000).unref();
    await replica.app.close();
    await replica.stop();
    await mongo.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown());
  process.once('SIGINT', () => void shutdown());
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
