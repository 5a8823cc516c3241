// Gateway throughput and latency under autocannon on loopback, against a bare Fastify route measured in the same run;
// uncached, modelship's embedding artifacts rank in the TypeScript scorer (the reference, and the gateway before
// onnxruntime) and in onnxruntime (the default), in the same run. `--quick` makes every round 2 s after a 1 s
// warm-up instead of 10 s after 3 s: the same figures, noisier, to check that the benchmark runs end to end.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { config } from '../src/config';
import { connectMongo } from '../src/db';
import { artifactSha256, encodeArtifact, mulberry32 } from '../src/models';
import { quickFlag } from './lib/bench-size';
import { randomEmbeddingModel } from './lib/random-model';
import { createBlobStore, ensureIndexes } from '../src/registry';
import { createRouteStore, ensureRoutingIndexes } from '../src/routing';

const ITEMS = 9742;
const USERS = 610;
const DIMS = 64;
const QUICK = quickFlag();
const WARMUP_S = QUICK ? 1 : 3;
const MEASURE_S = QUICK ? 2 : 10;
const CONNECTIONS = 10;
const SUSTAINED_CONNECTIONS = 2;

/** MovieLens ml-latest-small's shape with random factors. */
function syntheticModel(seed: number): Buffer {
  return encodeArtifact({ ...randomEmbeddingModel({ users: USERS, items: ITEMS, dims: DIMS }, seed), metadata: { purpose: 'bench' } });
}

async function startServer(mode: 'bare' | 'gateway', env: Record<string, string>): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'lib/bench-gateway-server.ts'), mode], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.once('data', (d: Buffer) => resolve(JSON.parse(d.toString().split('\n')[0]).port));
    child.once('exit', (code) => reject(new Error(`${mode} server exited with ${code}`)));
  });
  return { child, url: `http://127.0.0.1:${port}` };
}

interface Round { name: string; reqPerS: number; p50: number; p99: number; errors: number; non2xx: number }

async function load(name: string, url: string, seconds: number, overallRate?: number, connections = CONNECTIONS): Promise<Round> {
  const rng = mulberry32(42);
  const result = await autocannon({
    url,
    connections,
    duration: seconds,
    overallRate,
    requests: [{ setupRequest: (req) => ({ ...req, path: `/v1/recommendations?model=bench&user=${1 + Math.floor(rng() * USERS)}&k=10` }) }],
  });
  return { name, reqPerS: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, errors: result.errors, non2xx: result.non2xx };
}

/** Saturates the server, then offers fixed shares of that throughput to find the latency at a load it sustains. */
async function measure(name: string, mode: 'bare' | 'gateway', env: Record<string, string>, shares: number[] = []): Promise<Round[]> {
  const { child, url } = await startServer(mode, env);
  try {
    await load(`${name} warm-up`, url, WARMUP_S);
    const max = await load(name, url, MEASURE_S);
    const rounds = [max];
    for (const share of shares) {
      const rate = Math.round(max.reqPerS * share);
      // Offered load from a few clients, as independent users arrive, rather than ten in lockstep bursts.
      rounds.push(await load(`${name} at ${rate} req/s`, url, MEASURE_S, rate, SUSTAINED_CONNECTIONS));
    }
    return rounds;
  } finally {
    child.kill('SIGTERM');
  }
}

async function main(): Promise<void> {
  const env = config();
  const dbName = `ms_bench_gateway_${randomBytes(3).toString('hex')}`;
  const mongo = await connectMongo(env, dbName).catch((err) => {
    throw new Error(`cannot reach MongoDB at MONGODB_URI (${err.message}); start the stack with: npm run stack:start`);
  });
  try {
    await ensureIndexes(mongo.db);
    await ensureRoutingIndexes(mongo.db);
    const artifacts = createBlobStore(mongo.db, 'artifacts');
    const [stable, candidate] = [syntheticModel(1), syntheticModel(2)];
    for (const bytes of [stable, candidate]) await artifacts.put(bytes, { sha256: artifactSha256(bytes) });
    await createRouteStore(mongo.db).apply({
      model: 'bench',
      key: 'bench:90-10',
      actor: 'bench',
      reason: 'benchmark',
      spec: {
        stable: { version: '1.0.0', sha256: artifactSha256(stable) },
        candidate: { version: '1.1.0', sha256: artifactSha256(candidate), percent: 10 },
        shadow: null,
        killSwitch: 'off',
      },
    });
    const gatewayEnv = { MONGODB_DB: dbName };
    const rounds = [
      ...(await measure('bare Fastify route', 'bare', {})),
      ...(await measure('gateway, LRU cache on', 'gateway', gatewayEnv)),
      ...(await measure('gateway, cache off', 'gateway', { ...gatewayEnv, GATEWAY_CACHE_MAX: '0', MODEL_RUNTIME: 'typescript' }, [0.5, 0.25])),
      ...(await measure('gateway, cache off, onnxruntime', 'gateway', { ...gatewayEnv, GATEWAY_CACHE_MAX: '0', MODEL_RUNTIME: 'onnxruntime' })),
    ];
    console.log(`\n${ITEMS} items x ${DIMS} dims, 90/10 split, ${USERS} users, ${CONNECTIONS} connections, ${MEASURE_S} s rounds`);
    console.table(rounds.map((r) => ({ round: r.name, 'req/s': Math.round(r.reqPerS), 'p50 ms': r.p50, 'p99 ms': r.p99, errors: r.errors + r.non2xx })));
    const onnx = rounds[rounds.length - 1]!;
    const [bare, cached, uncached, ...offered] = rounds.slice(0, -1) as [Round, Round, Round, ...Round[]];
    const clean = offered.filter((r) => r.errors + r.non2xx === 0 && r.p99 <= 10);
    const sustained = clean.length ? clean.reduce((a, b) => (a.reqPerS > b.reqPerS ? a : b)) : offered[offered.length - 1];
    console.log(
      JSON.stringify({
        bench: 'gateway',
        quick: QUICK,
        round_s: MEASURE_S,
        bare_req_per_s: Math.round(bare.reqPerS),
        req_per_s: Math.round(cached.reqPerS),
        p50_ms: cached.p50,
        p99_ms: cached.p99,
        ratio_vs_bare: +(cached.reqPerS / bare.reqPerS).toFixed(3),
        uncached_req_per_s: Math.round(uncached.reqPerS),
        uncached_p50_ms: uncached.p50,
        uncached_p99_ms: uncached.p99,
        uncached_ratio_vs_bare: +(uncached.reqPerS / bare.reqPerS).toFixed(3),
        uncached_req_per_s_onnx: Math.round(onnx.reqPerS),
        uncached_p50_ms_onnx: onnx.p50,
        uncached_p99_ms_onnx: onnx.p99,
        uncached_ratio_vs_bare_onnx: +(onnx.reqPerS / bare.reqPerS).toFixed(3),
        uncached_onnx_vs_typescript_ratio: +(onnx.reqPerS / uncached.reqPerS).toFixed(2),
        sustained_req_per_s: Math.round(sustained.reqPerS),
        sustained_p99_ms: sustained.p99,
        errors_count: rounds.reduce((n, r) => n + r.errors + r.non2xx, 0),
      }),
    );
  } finally {
    await mongo.db.dropDatabase().catch(() => undefined);
    await mongo.close();
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
