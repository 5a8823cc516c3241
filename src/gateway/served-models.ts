import { artifactSha256, createFaultInjector, createScorer, loadArtifact, type FaultDecision, type Scorer } from '../models';
import type { RouteDoc } from '../routing';

export type FetchArtifact = (sha256: string) => Promise<Buffer>;

export interface LoadedModel {
  version: string;
  sha256: string;
  scorer: Scorer;
  nextFault: () => FaultDecision;
}

export interface ServedRoute {
  route: RouteDoc;
  models: Map<string, LoadedModel>;
}

/**
 * The routes and loaded models one replica serves. A new generation is swapped in only once every artifact it names
 * is fetched, checksummed and loaded, so requests never see a half-loaded route; a failed load leaves the previous
 * generation serving and is reported.
 */
export function createServedModels(fetchArtifact: FetchArtifact) {
  let served = new Map<string, ServedRoute>();
  const loadErrors = new Map<string, string>();
  const loading = new Map<string, Promise<LoadedModel>>();

  async function load(version: string, sha256: string): Promise<LoadedModel> {
    const bytes = await fetchArtifact(sha256);
    const actual = artifactSha256(bytes);
    if (actual !== sha256) throw new Error(`artifact ${version}: sha256 is ${actual}, the route expects ${sha256}`);
    const artifact = loadArtifact(bytes);
    return { version, sha256, scorer: createScorer(artifact), nextFault: createFaultInjector(artifact.metadata.faults) };
  }

  function obtain(version: string, sha256: string): Promise<LoadedModel> {
    for (const route of served.values()) {
      const existing = route.models.get(sha256);
      if (existing) return Promise.resolve(existing);
    }
    let pending = loading.get(sha256);
    if (!pending) {
      pending = load(version, sha256).finally(() => loading.delete(sha256));
      loading.set(sha256, pending);
    }
    return pending;
  }

  async function prepare(route: RouteDoc): Promise<ServedRoute> {
    const targets = [route.stable, route.candidate, route.shadow].filter((t) => t !== null);
    const models = new Map<string, LoadedModel>();
    for (const t of targets) models.set(t.sha256, await obtain(t.version, t.sha256));
    return { route, models };
  }

  return {
    get: (model: string) => served.get(model),
    models: () => [...served.keys()],
    generations: () => Object.fromEntries([...served].map(([m, s]) => [m, s.route.generation])),
    loadErrors: () => Object.fromEntries(loadErrors),

    /** Brings the served state up to the given route documents. */
    async sync(routes: RouteDoc[]): Promise<void> {
      const next = new Map<string, ServedRoute>();
      for (const route of routes) {
        const current = served.get(route._id);
        if (current && current.route.generation === route.generation) {
          next.set(route._id, current);
          continue;
        }
        try {
          next.set(route._id, await prepare(route));
          loadErrors.delete(route._id);
        } catch (err) {
          loadErrors.set(route._id, `generation ${route.generation}: ${err instanceof Error ? err.message : String(err)}`);
          if (current) next.set(route._id, current);
        }
      }
      served = next;
    },
  };
}

export type ServedModels = ReturnType<typeof createServedModels>;
