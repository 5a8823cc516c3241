import { LRUCache } from 'lru-cache';
import { loadArtifact, readMovieLensCsv, type Artifact, type Interactions } from '../src/models';
import type { Registry } from '../src/registry';

/**
 * Artifacts and datasets by sha256, checksummed on every fetch from GridFS and parsed once per worker process: the
 * three gates of a pipeline read the same inputs, and content addressing makes the cache always right.
 */
export function createInputCache(registry: Registry) {
  const artifacts = new LRUCache<string, Promise<Artifact>>({ max: 8 });
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
    artifact: (sha256: string) => once(artifacts, sha256, async () => loadArtifact(await registry.artifacts.read(sha256))),
    dataset: (sha256: string) =>
      once(datasets, sha256, async () => (await readMovieLensCsv(await registry.datasets.read(sha256))).interactions),
  };
}

export type InputCache = ReturnType<typeof createInputCache>;
