import type { Db } from 'mongodb';
import { buildHeldOut, encodeArtifact, generateSynthetic, leaveLastNSplit, toCsvBytes, trainAls, type TrainingFaults } from '../../src/models';
import { replayTraffic, type ReplayStats } from '../../src/traffic/replayer';
import { createRegistry, ensureIndexes, registerArtifact, uploadDataset, type Registry } from '../../src/registry';
import { ensureRoutingIndexes } from '../../src/routing';

/** The fixture's interactions, per population size: 300 users unless a test needs more distinct users. */
const splits = new Map<number, ReturnType<typeof leaveLastNSplit>>();
function fixtureSplit(users: number) {
  let split = splits.get(users);
  if (!split) {
    split = leaveLastNSplit(generateSynthetic({ users, items: 400, seed: 11 }), 5);
    splits.set(users, split);
  }
  return split;
}

/** Live traffic for the fixture's model: its held-out interactions replayed at the gateways until `signal` aborts. */
export function replayFixtureTraffic(gateways: string[], model: string, signal: AbortSignal, { ratePerSec = 100, maxDurationMs = 280_000, users = 300 } = {}): Promise<ReplayStats> {
  const split = fixtureSplit(users);
  return replayTraffic({
    gateways,
    model,
    cases: buildHeldOut(split.train, split.test),
    ratePerSec,
    maxRequests: Math.ceil((ratePerSec * maxDurationMs) / 1000),
    maxDurationMs,
    concurrency: 4,
    signal,
  });
}

export interface PipelineFixture {
  registry: Registry;
  datasets: { train: string; validation: string };
  register(version: string, options?: { seed?: number; faults?: TrainingFaults }): Promise<string>;
}

/** A registered model with datasets, and a way to register trained versions of it: what an ML engineer brings. */
export async function createPipelineFixture(db: Db, model: string, users = 300): Promise<PipelineFixture> {
  const split = fixtureSplit(users);
  await ensureIndexes(db);
  await ensureRoutingIndexes(db);
  const registry = createRegistry(db);
  await registry.createModel({ name: model, owner: 'team-reco', actor: 'user:alice' });
  const datasets = {
    train: await uploadDataset(registry, toCsvBytes(split.train)),
    validation: await uploadDataset(registry, toCsvBytes(split.test)),
  };
  return {
    registry,
    datasets,
    async register(version, { seed = 1, faults } = {}) {
      const bytes = encodeArtifact(trainAls(split.train, { factors: 16, iterations: 6, seed, faults }));
      const registered = await registerArtifact(registry, {
        model,
        version,
        bytes,
        metadata: { trainingDataVersion: datasets.train, hyperparameters: { factors: 16, seed }, codeVersion: 'test', metrics: {} },
        createdBy: 'user:alice',
      });
      return registered.artifact.sha256;
    },
  };
}
