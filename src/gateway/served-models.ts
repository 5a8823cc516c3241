import { artifactSha256, createFaultInjector, DEFAULT_MODEL_RUNTIME, loadModel, type FaultDecision, type ModelRuntime, type Ranker } from '../models';
import type { RouteDoc } from '../routing';

export type FetchArtifact = (sha256: string) => Promise<Buffer>;

interface LoadedArtifact {
  scorer: Ranker;
  faults: Parameters<typeof createFaultInjector>[0];
}

export interface LoadedModel extends LoadedArtifact {
  version: string;
  sha256: string;
  nextFault: () => FaultDecision;
}

export interface ServedRoute {
  route: RouteDoc;
  /** By version: the same bytes may be registered as several versions, each counted under its own label. */
  models: Map<string, LoadedModel>;
}

/**
 * The routes and loaded models one replica serves. A new generation is swapped in only once every artifact it names
 * is fetched, checksummed and loaded, so requests never see a half-loaded route; a failed load leaves the previous
 * generation serving and is reported.
 */
/** How long a model no route serves any more stays loaded, for the requests already under way with it. */
const RELEASE_AFTER_MS = 30_000;

export function createServedModels(fetchArtifact: FetchArtifact, runtime: ModelRuntime = DEFAULT_MODEL_RUNTIME) {
  let served = new Map<string, ServedRoute>();
  const loadErrors = new Map<string, string>();
  /** Loaded (or loading) artifacts by sha256; after each sync only those still served are kept. */
  const artifacts = new Map<string, Promise<LoadedArtifact>>();

  async function load(version: string, sha256: string): Promise<LoadedArtifact> {
    const bytes = await fetchArtifact(sha256);
    const actual = artifactSha256(bytes);
    if (actual !== sha256) throw new Error(`artifact ${version}: sha256 is ${actual}, the route expects ${sha256}`);
    const scorer = await loadModel(bytes, runtime);
    return { scorer, faults: scorer.faults };
  }

  /** The scorer is shared by every version with these bytes; the label and the fault stream belong to the version. */
  async function obtain(model: string, version: string, sha256: string): Promise<LoadedModel> {
    const existing = served.get(model)?.models.get(version);
    if (existing?.sha256 === sha256) return existing;
    let pending = artifacts.get(sha256);
    if (!pending) {
      pending = load(version, sha256);
      pending.catch(() => artifacts.delete(sha256));
      artifacts.set(sha256, pending);
    }
    const { scorer, faults } = await pending;
    return { version, sha256, scorer, faults, nextFault: createFaultInjector(faults) };
  }

  async function prepare(route: RouteDoc): Promise<ServedRoute> {
    const targets = [route.stable, route.candidate, route.shadow].filter((t) => t !== null);
    const models = new Map<string, LoadedModel>();
    for (const t of targets) models.set(t.version, await obtain(route._id, t.version, t.sha256));
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
      const inUse = new Set([...next.values()].flatMap((r) => [...r.models.values()].map((m) => m.sha256)));
      for (const [sha, loaded] of artifacts) {
        if (inUse.has(sha)) continue;
        artifacts.delete(sha);
        setTimeout(() => void loaded.then((l) => l.scorer.close()).catch(() => undefined), RELEASE_AFTER_MS).unref();
      }
    },
  };
}

export type ServedModels = ReturnType<typeof createServedModels>;
