import { createHash } from 'node:crypto';
import type { Db } from 'mongodb';
import { OUTBOX } from '../../../src/notify/outbox';
import { createRegistry } from '../../../src/registry';

const STEPS = ['validating', 'awaiting_approval', 'rolling_out', 'production'] as const;

/**
 * Registers `versions` versions spread over `models` models through the registry, each taken from `registered` to
 * `production` and every tenth made champion, and leaves each pipeline's mails in the outbox. One small artifact
 * serves them all: the store is content-addressed, and the artifact's bytes play no part in what is measured.
 */
export async function loadRegistry(db: Db, opts: { models: number; versions: number }): Promise<number> {
  const registry = createRegistry(db);
  const bytes = Buffer.from('bench:aged artifact');
  const blob = await registry.artifacts.put(bytes, { sha256: createHash('sha256').update(bytes).digest('hex') });
  const metadata = { trainingDataVersion: 'bench', hyperparameters: {}, codeVersion: 'bench', metrics: { ndcg: 0.3 } };
  const champions = new Map<string, string | null>();
  const mails: object[] = [];
  for (let v = 0; v < opts.versions; v++) {
    const model = `m${String(v % opts.models).padStart(2, '0')}`;
    const version = `1.${Math.floor(v / opts.models)}.0`;
    if (!(await registry.getModel(model))) await registry.createModel({ name: model, owner: 'team-bench', actor: 'bench' });
    await registry.registerVersion({ model, version, artifact: { fileId: blob.id, sha256: blob.sha256 }, metadata, createdBy: 'bench' });
    for (const to of STEPS) await registry.transition({ model, version, to, actor: 'bench', reason: 'aged history' });
    if (v % 10 === 0) {
      await registry.moveAlias({ model, alias: 'champion', to: version, expected: champions.get(model) ?? null, actor: 'bench', reason: 'aged history' });
      champions.set(model, version);
    }
    for (const kind of ['approval', 'stage', 'completed']) mails.push({ _id: `deploy-${model}-${version}:${kind}`, status: 'sent', createdAt: new Date() });
    if (mails.length >= 3000) await db.collection(OUTBOX).insertMany(mails.splice(0) as never[], { ordered: false });
  }
  if (mails.length > 0) await db.collection(OUTBOX).insertMany(mails as never[], { ordered: false });
  return opts.versions;
}
