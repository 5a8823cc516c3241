import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Rankings in onnxruntime are awaited, so a wall-clock latency measured while other work of the same process runs
 * counts that work too: each await lets whatever else is ready run before the ranking's answer is taken. Two kinds of
 * work are held back while a measurement runs:
 * - rankings (several pipelines' gates in one worker): they wait at `rankingTurn`, the measurement's own calls pass;
 * - long synchronous computations declared with `cpuWork` (the validation and quality gates). Those cannot be
 *   interrupted, so a measurement first waits until the ones under way have ended, and none starts while a
 *   measurement waits or runs.
 */
const inside = new AsyncLocalStorage<true>();
/** Settles when the measurement waiting or running ends; null when there is none. */
let measurement: Promise<void> | null = null;
let measuring = false;
let cpuBusy = 0;
let cpuIdle: (() => void) | null = null;

export async function measuredAlone<T>(measure: () => Promise<T>): Promise<T> {
  while (measurement) await measurement;
  let done!: () => void;
  measurement = new Promise((resolve) => (done = resolve));
  try {
    if (cpuBusy > 0) await new Promise<void>((resolve) => (cpuIdle = resolve));
    measuring = true;
    return await inside.run(true, measure);
  } finally {
    measuring = false;
    measurement = null;
    done();
  }
}

/** Waits while a measurement runs elsewhere in the process; free otherwise. */
export async function rankingTurn(): Promise<void> {
  while (measuring && measurement && !inside.getStore()) await measurement;
}

const inCpuWork = new AsyncLocalStorage<true>();

/**
 * Runs CPU-heavy work that a latency measurement must not share the event loop with: never during one. Work nested
 * in such work is part of it, and does not wait for the measurement that waits for it.
 */
export async function cpuWork<T>(work: () => Promise<T>): Promise<T> {
  if (inCpuWork.getStore()) return work();
  while (measurement) await measurement;
  cpuBusy++;
  try {
    return await inCpuWork.run(true, work);
  } finally {
    cpuBusy--;
    if (cpuBusy === 0 && cpuIdle) {
      cpuIdle();
      cpuIdle = null;
    }
  }
}
