/** One ranking run's answer for one user: scores and item positions, best first. */
export interface RowResult {
  scores: Float32Array;
  indices: BigInt64Array;
}

/** Runs a batch: `users` positions, their masks one after another, the best `want` of each. */
export type BatchRun = (users: BigInt64Array, masks: Float32Array, want: number) => Promise<RowResult>;

interface Waiting {
  user: number;
  mask: Float32Array;
  want: number;
  resolve(row: RowResult): void;
  reject(error: unknown): void;
}

/**
 * Gathers the rankings asked for while one is running into the next run, as one batch: a batch costs one call into
 * onnxruntime and one matrix product instead of one each per user. Nothing waits on purpose: a lone request runs at
 * once, so batching adds no latency when the load is light, and raises throughput when it is not.
 */
export function createRunBatcher(run: BatchRun, items: number, maxBatch = 32): (user: number, mask: Float32Array, want: number) => Promise<RowResult> {
  const waiting: Waiting[] = [];
  let running = false;

  function pump(): void {
    if (running || waiting.length === 0) return;
    running = true;
    const batch = waiting.splice(0, maxBatch);
    const want = Math.max(...batch.map((w) => w.want));
    const users = BigInt64Array.from(batch, (w) => BigInt(w.user));
    const masks = new Float32Array(batch.length * items);
    batch.forEach((w, i) => masks.set(w.mask, i * items));
    run(users, masks, want)
      .then(({ scores, indices }) => {
        batch.forEach((w, i) => w.resolve({ scores: scores.subarray(i * want, i * want + w.want), indices: indices.subarray(i * want, i * want + w.want) }));
      })
      .catch((error: unknown) => batch.forEach((w) => w.reject(error)))
      .finally(() => {
        running = false;
        pump();
      });
  }

  return (user, mask, want) =>
    new Promise<RowResult>((resolve, reject) => {
      waiting.push({ user, mask, want, resolve, reject });
      pump();
    });
}
