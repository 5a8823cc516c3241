import { LRUCache } from 'lru-cache';
import { DEFAULT_MODEL_RUNTIME, loadModel, readMovieLensCsv, type Interactions, type ModelRuntime, type Ranker } from '../src/models';
import type { Registry } from '../src/registry';

/**
 * Models and datasets by sha256, checksummed on every fetch from the blob store and loaded once per worker process: the
 * three gates of a pipeline read the same inputs, and content addressing makes the cache always right. A model is
 * loaded for `runtime` (MODEL_RUNTIME); ONNX models always run in onnxruntime.
 */
export function createInputCache(registry: Registry, runtime: ModelRuntime = DEFAULT_MODEL_RUNTIME) {
  const artifacts = new LRUCache<string, Promise<Ranker>>({ max: 8 });
  const datasets = new LRUCache<string, Promise<Interactions>>({ max: 8 });
  const once = <T>(cache: LRUCache<string, Promise<T>>, key: string, load: () => Promise<T>): Promise<T> => {
    let pending = cache.get(key);
    if (!pending) {
      pending = load();
      pending.catch(() => cache.delete(key));
      cache.set(key, pending);
    }
    return pending;
  };
  return {
    model: (sha256: string) => once(artifacts, sha256, async () => loadModel(await registry.artifacts.read(sha256), runtime)),
    dataset: (sha256: string) =>
      once(datasets, sha256, async () => (await readMovieLensCsv(await registry.datasets.read(sha256))).interactions),
  };
}

export type InputCache = ReturnType<typeof createInputCache>;
