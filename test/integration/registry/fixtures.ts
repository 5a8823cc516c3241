import { createHash, randomBytes } from 'node:crypto';
import type { Db } from 'mongodb';
import { createRegistry, ensureIndexes, type Registry, type RegisterVersionInput } from '../../../src/registry';
import { openTestDb } from '../../support/mongo';

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** A clock the test moves by hand, so "at time T" questions have exact answers. */
export function manualClock(start = '2026-03-01T12:00:00.000Z') {
  let now = new Date(start);
  return {
    clock: () => new Date(now),
    advance(ms: number): Date {
      now = new Date(now.getTime() + ms);
      return new Date(now);
    },
    now: () => new Date(now),
  };
}

export async function openRegistry(prefix: string, clock?: () => Date): Promise<{ db: Db; registry: Registry; close: () => Promise<void> }> {
  const mongo = await openTestDb(prefix);
  await ensureIndexes(mongo.db);
  return { db: mongo.db, registry: createRegistry(mongo.db, clock ? { clock } : {}), close: mongo.close };
}

export async function uploadArtifact(registry: Registry, bytes: Buffer = randomBytes(4096)) {
  const blob = await registry.artifacts.put(bytes, { sha256: sha256(bytes) });
  return { fileId: blob.id, sha256: blob.sha256 };
}

export async function versionInput(registry: Registry, model: string, version: string, extra: Partial<RegisterVersionInput> = {}): Promise<RegisterVersionInput> {
  return {
    model,
    version,
    artifact: await uploadArtifact(registry),
    metadata: {
      trainingDataVersion: 'clicks-2026-02-28',
      hyperparameters: { lr: 0.01, factors: 64, layers: [128, 64], regularization: { l2: 0.001 } },
      codeVersion: 'git:4f2a9c1',
      metrics: { auc: 0.812, ndcg_at_10: 0.431 },
      description: 'weekly retrain',
      tags: ['weekly', 'als'],
    },
    createdBy: 'service:trainer',
    ...extra,
  };
}

export { caught } from '../../support/caught';
