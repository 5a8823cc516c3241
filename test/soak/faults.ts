import { isAlive, sleep, type PrivateStack } from '../integration/durability/private-stack';
import type { Rng } from './plan';

export type Fault = 'kill_worker' | 'kill_gateway' | 'restart_ferretdb' | 'restart_temporal';
export const FAULTS: Fault[] = ['kill_worker', 'kill_gateway', 'restart_ferretdb', 'restart_temporal'];

export interface Strike {
  what: string;
  /** Attempts to bring the part back that failed before one succeeded, each with its error. */
  failedRestarts: string[];
  /** False when the part was still down when the soak stopped asking (it was stopping). */
  restored: boolean;
}

const message = (err: unknown) => (err instanceof Error ? err.message.split('\n')[0] : String(err));

/**
 * Brings a part back, as a supervisor would: a start that fails (a port the killed process held not yet free, a server
 * too starved to answer in time) is recorded and tried again after a growing pause, until it succeeds or the soak stops.
 */
async function restore(start: () => Promise<unknown>, stopping: () => boolean, failed: string[]): Promise<boolean> {
  for (let attempt = 1; !stopping(); attempt++) {
    await sleep(Math.min(500 * attempt, 5000));
    try {
      await start();
      return true;
    } catch (err) {
      failed.push(message(err));
    }
  }
  return false;
}

async function killService(stack: PrivateStack, service: 'temporal' | 'ferretdb'): Promise<void> {
  const pid = stack.pid(service);
  process.kill(pid, 'SIGKILL');
  for (let i = 0; i < 100 && isAlive(pid); i++) await sleep(50);
}

async function killGateway(stack: PrivateStack, rng: Rng): Promise<{ replicaId: string; start: () => Promise<unknown> }> {
  const i = Math.floor(rng() * stack.gateways.length);
  const gone = stack.gateways[i];
  process.kill(gone.child.pid!, 'SIGKILL');
  await new Promise((r) => (gone.child.exitCode !== null || gone.child.signalCode !== null ? r(null) : gone.child.once('exit', r)));
  return { replicaId: gone.replicaId, start: () => stack.restartGateway(i) };
}

/**
 * Strikes one fault with kill -9 and brings the part back where its peers expect it (same ports, same state). It never
 * throws: what went wrong bringing the part back is in the result, for the soak to print and count.
 */
export async function strike(stack: PrivateStack, fault: Fault, rng: Rng, stopping: () => boolean): Promise<Strike> {
  const failedRestarts: string[] = [];
  const done = async (what: string, start: () => Promise<unknown>) => ({ what, failedRestarts, restored: await restore(start, stopping, failedRestarts) });
  switch (fault) {
    case 'kill_worker':
      await stack.killWorker('SIGKILL');
      return done('worker killed and restarted', () => stack.startWorker());
    case 'kill_gateway': {
      const { replicaId, start } = await killGateway(stack, rng);
      return done(`gateway ${replicaId} killed and restarted`, start);
    }
    case 'restart_ferretdb':
      await killService(stack, 'ferretdb');
      return done('FerretDB killed and restarted', () => stack.stackScript('start'));
    case 'restart_temporal':
      await killService(stack, 'temporal');
      return done('Temporal server killed and restarted', () => stack.stackScript('start'));
  }
}
