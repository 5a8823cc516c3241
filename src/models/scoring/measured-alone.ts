import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Rankings in onnxruntime are awaited, so a wall-clock latency measured while other rankings of the same process run
 * (several pipelines' gates in one worker) would count their turns too. A measurement runs alone: while it does,
 * every other ranking of the process waits at `rankingTurn`, and the measurement's own calls pass.
 */
const inside = new AsyncLocalStorage<true>();
let running: Promise<void> | null = null;

export async function measuredAlone<T>(measure: () => Promise<T>): Promise<T> {
  while (running) await running;
  let done!: () => void;
  running = new Promise((resolve) => (done = resolve));
  try {
    return await inside.run(true, measure);
  } finally {
    running = null;
    done();
  }
}

/** Waits while a measurement runs elsewhere in the process; free otherwise. */
export async function rankingTurn(): Promise<void> {
  while (running && !inside.getStore()) await running;
}
