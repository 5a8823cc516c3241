import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { freePort } from './ports';
import { stuckAfter } from './time-factor';

export interface GatewayProcess {
  url: string;
  replicaId: string;
  child: ChildProcess;
  output: () => string;
  stop(): Promise<void>;
}

const MAIN = join(__dirname, '../../src/gateway/main.ts');

/** Starts a real gateway replica as its own process (on a given port, to restart one where its clients expect it) and
 *  waits until it answers /healthz. */
export async function startGateway(env: Record<string, string>, replicaId: string, port?: number): Promise<GatewayProcess> {
  port ??= await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
    env: { ...process.env, ...env, GATEWAY_PORT: String(port), GATEWAY_REPLICA_ID: replicaId },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout!.on('data', (d) => (log += d));
  child.stderr!.on('data', (d) => (log += d));
  const url = `http://127.0.0.1:${port}`;
  const started = Date.now();
  const deadline = started + stuckAfter(30_000);
  for (;;) {
    if (child.exitCode !== null) throw new Error(`gateway ${replicaId} exited with ${child.exitCode}:\n${log}`);
    const ok = await fetch(`${url}/healthz`).then((r) => r.ok, () => false);
    if (ok) break;
    if (Date.now() > deadline) {
      // Left running, it could come up later on the port a retry wants, unknown to anyone who would stop it.
      child.kill('SIGKILL');
      throw new Error(`gateway ${replicaId} did not start within ${deadline - started} ms:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    replicaId,
    child,
    output: () => log,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
