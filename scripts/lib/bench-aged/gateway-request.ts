import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { Db } from 'mongodb';
import { artifactSha256, encodeArtifact } from '../../../src/models';
import { createBlobStore } from '../../../src/registry';
import { createRouteStore, ensureRoutingIndexes } from '../../../src/routing';
import { randomEmbeddingModel } from '../random-model';

const MODEL = 'gw-bench';
const USERS = 610;

/**
 * A gateway replica, in its own process, on the bench database: it serves a synthetic model routed there, polls its
 * route, and records KPIs as any replica does. The request timed is an uncached recommendation (a new user each time).
 */
export async function gatewayRequest(db: Db): Promise<{ run: () => Promise<unknown>; stop: () => void }> {
  await ensureRoutingIndexes(db);
  const bytes = encodeArtifact({ ...randomEmbeddingModel({ users: USERS, items: 2000, dims: 32 }, 7), metadata: { purpose: 'bench:aged' } });
  const sha256 = artifactSha256(bytes);
  await createBlobStore(db, 'artifacts').put(bytes, { sha256 });
  await createRouteStore(db).apply({
    model: MODEL,
    key: `${MODEL}:bench-aged`,
    actor: 'service:bench',
    reason: 'bench:aged',
    spec: { stable: { version: '1.0.0', sha256 }, candidate: null, shadow: null, killSwitch: 'off' },
  });
  const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, '../bench-gateway-server.ts'), 'gateway'], {
    env: { ...process.env, MONGODB_DB: db.databaseName },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.once('data', (d: Buffer) => resolve(JSON.parse(d.toString().split('\n')[0]!).port));
    child.once('exit', (code) => reject(new Error(`gateway on ${db.databaseName} exited with ${code}`)));
  });
  let user = 0;
  return {
    run: async () => {
      const response = await fetch(`http://127.0.0.1:${port}/v1/recommendations?model=${MODEL}&user=${1 + (user++ % USERS)}&k=10`);
      if (!response.ok) throw new Error(`gateway answered ${response.status}: ${await response.text()}`);
      return response.json();
    },
    stop: () => child.kill(),
  };
}
