import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Binary } from 'mongodb';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAuditLog, createSigningAuditLog, ensureAuditIndexes, verifyAudit, verifyBundle, readVerifier, auditPaths, type AuditLog } from '../../../src/audit';
import { makeBundle } from '../../../src/audit/checkpoints/bundle';
import { proveEvent } from '../../../src/audit/checkpoints/proofs';
import { AUDIT_POSITIONS, chainKey, globalKey } from '../../../src/audit/positions';
import { AUDIT_TILES } from '../../../src/audit/checkpoints/tile-store';
import { edgeTiles } from '../../../src/audit/merkle/tiles';
import { config } from '../../../src/config';
import type { Mongo } from '../../../src/db';
import { isIdLookup, logCommands, type LoggedCommand } from '../../support/command-log';
import { openMonitoredTestDb } from '../../support/mongo';
import { auditEvent } from './fixtures';
import { stuckAfter } from '../../support/time-factor';

jest.setTimeout(stuckAfter(180_000));

const reads = (commands: LoggedCommand[]) => commands.filter((c) => c.name !== 'insert' && c.name !== 'update');
/** Reads that are not `_id` lookups: each one, on FerretDB, reads every document of its collection. */
const scans = (commands: LoggedCommand[]) => reads(commands).filter((c) => !c.filters.every(isIdLookup));

interface World {
  mongo: Mongo;
  log: ReturnType<typeof logCommands>;
  signer: AuditLog;
  home: string;
}

/** A log of `pipelines` deployments of 10 events each, written by a signing worker, checkpointed every 100 events. */
async function world(prefix: string, pipelines: number): Promise<World> {
  const mongo = await openMonitoredTestDb(prefix);
  await ensureAuditIndexes(mongo.db);
  const home = mkdtempSync(join(tmpdir(), 'modelship-aged-audit-'));
  const signer = createSigningAuditLog(mongo.db, { ...config(), AUDIT_DIR: home, AUDIT_CHECKPOINT_EVERY: 100 });
  for (let p = 0; p < pipelines; p++) {
    const version = `1.${p}.0`;
    for (let s = 0; s < 10; s++) await signer.append(auditEvent(`deploy-recs-${version}`, `s${s}`, { subject: { model: 'recs', version } }));
  }
  return { mongo, log: logCommands(mongo), signer, home };
}

describe('audit reads cost the same on a long log as on a short one', () => {
  const worlds: World[] = [];
  afterAll(async () => {
    for (const w of worlds) {
      await w.signer.close();
      await w.mongo.close();
      rmSync(w.home, { recursive: true, force: true });
    }
  });

  it('finds the heads another writer moved by _id reads alone, as many on 3,000 events as on 30', async () => {
    const counts: Record<string, number> = {};
    for (const [name, pipelines] of [['short', 3], ['long', 300]] as const) {
      const w = await world(`audit_heads_${name}`, pipelines);
      worlds.push(w);
      // A second worker process, and a pipeline both append to: each append after the other's must find the heads.
      const other = createAuditLog(w.mongo.db);
      await other.append(auditEvent('deploy-recs-9.9.9', 'first', { subject: { model: 'recs', version: '9.9.9' } }));
      const { commands } = await w.log.during(async () => {
        for (let i = 0; i < 5; i++) {
          await w.signer.append(auditEvent('deploy-recs-9.9.9', `a${i}`, { subject: { model: 'recs', version: '9.9.9' } }));
          await other.append(auditEvent('deploy-recs-9.9.9', `b${i}`, { subject: { model: 'recs', version: '9.9.9' } }));
        }
      });
      expect(scans(commands)).toEqual([]);
      // One of the two seals, the other waits for its events by their `_id`s: how often it looks, and how often the
      // sealer looks at the lanes, depends on time alone. Where the log is read, it is read as often on either log.
      counts[name] = reads(commands).filter((c) => c.collection === AUDIT_POSITIONS).length;
      expect(await verifyAudit(w.mongo.db)).toMatchObject({ ok: true, checked: pipelines * 10 + 11 });
      // Neither seals on: the tests below append alone.
      await Promise.all([other.close(), w.signer.close()]);
    }
    expect(counts.long).toBe(counts.short);
  });

  it('proves an event and bundles a deployment by _id reads alone', async () => {
    const w = worlds[1]!;
    await w.signer.append(auditEvent('deploy-recs-1.7.0', 'promoted', { type: 'pipeline.promoted', subject: { model: 'recs', version: '1.7.0' } }));
    const { commands: proving } = await w.log.during(() => proveEvent(w.mongo.db, 'deploy-recs-1.150.0:s3'));
    expect(scans(proving)).toEqual([]);
    // The right edge of the tree comes with the checkpoint; only full tiles are read apart, one per 8 levels.
    // Event 1,504 of about 3,000: its leaf tile is full; the tile of level 8 and the leaves after 2,816 are partial.
    const tileReads = reads(proving).filter((c) => c.collection === AUDIT_TILES).flatMap((c) => c.filters.map((f) => String((f as { _id?: unknown })._id)));
    expect(tileReads).toEqual(['0/5']);
    const { result: bundle, commands: bundling } = await w.log.during(() => makeBundle(w.mongo.db, 'recs', '1.7.0'));
    expect(scans(bundling)).toEqual([]);
    const vkey = readVerifier(readFileSync(auditPaths({ ...config(), AUDIT_DIR: w.home }, w.mongo.db.databaseName).verifierKeyFile, 'utf8').trim());
    expect(verifyBundle(bundle.text, vkey)).toMatchObject({ model: 'recs', version: '1.7.0', events: 11, pipeline: { events: 11, lastType: 'pipeline.promoted' } });
  });

  it('gives a checkpoint stored without its right edge that edge, once its tiles give the signed root', async () => {
    const w = worlds[1]!;
    const keys = w.mongo.db.collection<{ _id: string; size?: number; edge?: { id: string }[] }>(AUDIT_POSITIONS);
    const size = (await keys.findOne({ _id: 'checkpoint' }))!.size!;
    const edge = edgeTiles(size).map((t) => t.id);
    expect((await keys.findOne({ _id: `k${size}` }))!.edge!.map((t) => t.id)).toEqual(edge);
    const tileReadsOf = async () => {
      const { commands } = await w.log.during(() => proveEvent(w.mongo.db, 'deploy-recs-1.150.0:s3'));
      return reads(commands).filter((c) => c.collection === AUDIT_TILES).flatMap((c) => c.filters.map((f) => String((f as { _id?: unknown })._id)));
    };
    // As a checkpoint signed before the edge was kept with it: proofs read the partial tiles apart.
    await keys.updateOne({ _id: `k${size}` }, { $unset: { edge: '' } });
    expect((await tileReadsOf()).sort()).toEqual(['0/5', ...edge].sort());
    // A partial tile that does not give the signed root is not taken.
    const tiles = w.mongo.db.collection<{ _id: string; hashes: Binary }>(AUDIT_TILES);
    const real = (await tiles.findOne({ _id: edge[0]! }))!;
    await tiles.updateOne({ _id: edge[0]! }, { $set: { hashes: new Binary(Buffer.alloc(real.hashes.length())) } });
    await ensureAuditIndexes(w.mongo.db);
    expect((await keys.findOne({ _id: `k${size}` }))!.edge).toBeUndefined();
    await tiles.updateOne({ _id: edge[0]! }, { $set: { hashes: real.hashes } });
    await ensureAuditIndexes(w.mongo.db);
    expect((await keys.findOne({ _id: `k${size}` }))!.edge!.map((t) => t.id)).toEqual(edge);
    expect(await tileReadsOf()).toEqual(['0/5']);
  });

  it('recovers when a writer stopped between an event and its places: the next append repairs them', async () => {
    const w = worlds[0]!;
    const last = await w.signer.append(auditEvent('deploy-recs-0.0.1', 'cut', { subject: { model: 'recs', version: '0.0.1' } }));
    await w.mongo.db.collection(AUDIT_POSITIONS).deleteMany({ _id: { $in: [globalKey(last.globalSeq), chainKey(last.pipelineId, last.seq)] as never[] } });
    const fresh = createAuditLog(w.mongo.db);
    const next = await fresh.append(auditEvent('deploy-recs-0.0.1', 'after', { subject: { model: 'recs', version: '0.0.1' } }));
    expect(next).toMatchObject({ globalSeq: last.globalSeq + 1, seq: 2, globalPrevHash: last.globalHash, prevHash: last.hash });
    expect(await w.mongo.db.collection(AUDIT_POSITIONS).findOne({ _id: globalKey(last.globalSeq) as never })).toMatchObject({ eventId: last.eventId });
    expect(await verifyAudit(w.mongo.db)).toMatchObject({ ok: true });
    await fresh.close();
  });
});
