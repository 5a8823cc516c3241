import { startGateway } from '../support/gateway-process';
import { isAlive, sleep, type PrivateStack } from '../integration/durability/private-stack';
import type { Rng } from './plan';

export type Fault = 'kill_worker' | 'kill_gateway' | 'restart_ferretdb' | 'restart_temporal';
export const FAULTS: Fault[] = ['kill_worker', 'kill_gateway', 'restart_ferretdb', 'restart_temporal'];

async function killService(stack: PrivateStack, service: 'temporal' | 'ferretdb'): Promise<void> {
  const pid = stack.pid(service);
  process.kill(pid, 'SIGKILL');
  for (let i = 0; i < 100 && isAlive(pid); i++) await sleep(50);
  // Starts only what is not alive; a port the killed process held may take a moment to be free again.
  for (let attempt = 1; ; attempt++) {
    await sleep(500 * attempt);
    try {
      await stack.stackScript('start');
      return;
    } catch (err) {
      if (attempt === 5) throw new Error(`${service} did not come back: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}

/** Strikes one fault with kill -9 and brings the part back, where its peers expect it (same ports, same state). */
export async function strike(stack: PrivateStack, fault: Fault, rng: Rng): Promise<string> {
  switch (fault) {
    case 'kill_worker':
      await stack.killWorker('SIGKILL');
      await stack.startWorker();
      return 'worker killed and restarted';
    case 'kill_gateway': {
      const i = Math.floor(rng() * stack.gateways.length);
      const gone = stack.gateways[i];
      process.kill(gone.child.pid!, 'SIGKILL');
      await new Promise((r) => (gone.child.exitCode !== null || gone.child.signalCode !== null ? r(null) : gone.child.once('exit', r)));
      const env = { MONGODB_URI: stack.env.MONGODB_URI, MONGODB_DB: stack.env.MONGODB_DB, GATEWAY_POLL_MS: '100', GATEWAY_KPI_FLUSH_MS: '250' };
      stack.gateways[i] = await startGateway(env, gone.replicaId, Number(new URL(gone.url).port));
      return `gateway ${gone.replicaId} killed and restarted`;
    }
    case 'restart_ferretdb':
      await killService(stack, 'ferretdb');
      return 'FerretDB killed and restarted';
    case 'restart_temporal':
      await killService(stack, 'temporal');
      return 'Temporal server killed and restarted';
  }
}
