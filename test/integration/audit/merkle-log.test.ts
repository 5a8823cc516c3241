import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import type { Collection, Db } from 'mongodb';
import {
  AUDIT_CHECKPOINTS,
  AUDIT_TILES,
  auditPaths,
  createSigningAuditLog,
  ensureAuditIndexes,
  eventLeaf,
  generateNoteKeys,
  openCheckpoint,
  parseSignerKey,
  readVerifier,
  signCheckpoint,
  verifyBundle,
  type AuditLog,
  type StoredAuditEvent,
} from '../../../src/audit';
import { CompactTree } from '../../../src/audit/merkle/compact-tree';
import { leafHash } from '../../../src/audit/merkle/tree-hash';
import { consistencyHolds, inclusionHolds } from '../../../src/audit/merkle/verify-proofs';
import { config } from '../../../src/config';
import { openTestDb } from '../../support/mongo';
import { runCli } from '../cli/run-cli';
import { rewriteChains } from './forger';
import { stuckAfter } from '../../support/time-factor';

// Each test drives the CLI as a process, many times: seconds each, longer on a loaded machine.
jest.setTimeout(stuckAfter(120_000));

const ROOT = join(__dirname, '../../..');
const TLOG_CHECK = join(ROOT, '.tools/bin/tlog-check');
const EVERY = 4;

interface Log {
  db: Db;
  events: Collection<StoredAuditEvent>;
  log: AuditLog;
  home: string;
  env: Record<string, string>;
  vkey: string;
  vkeyFile: string;
  folder: string;
  close(): Promise<void>;
}

/** A log of two deployments' pipelines, 14 events: checkpoints at 4, 8 and 12 (every 4), and at 13 (a pipeline end). */
async function openLog(prefix: string, signingKeyFile?: string): Promise<Log> {
  const mongo = await openTestDb(prefix);
  await ensureAuditIndexes(mongo.db);
  const home = mkdtempSync(join(tmpdir(), 'modelship-merkle-'));
  const settings = { ...config(), AUDIT_DIR: home, AUDIT_CHECKPOINT_EVERY: EVERY, ...(signingKeyFile ? { AUDIT_SIGNING_KEY_FILE: signingKeyFile } : {}) };
  const log = createSigningAuditLog(mongo.db, settings);
  const paths = auditPaths(settings, mongo.db.databaseName);
  const verifierKeyFile = signingKeyFile ? join(signingKeyFile, '..', 'verifier.key') : paths.verifierKeyFile;
  const env = { MONGODB_DB: mongo.db.databaseName, AUDIT_DIR: home, ...(signingKeyFile ? { AUDIT_SIGNING_KEY_FILE: signingKeyFile, AUDIT_VERIFIER_KEY: verifierKeyFile } : {}) };
  const opened: Log = {
    db: mongo.db,
    events: mongo.db.collection<StoredAuditEvent>('audit_events'),
    log,
    home,
    env,
    vkey: '',
    vkeyFile: verifierKeyFile,
    folder: paths.checkpointDir,
    close: async () => {
      await mongo.close();
      rmSync(home, { recursive: true, force: true });
    },
  };
  return opened;
}

async function appendDeployments(l: Log, count = 14, diverge?: number): Promise<void> {
  for (let i = 1; i <= count; i++) {
    const version = i % 2 === 1 ? '1.4.2' : '1.5.0';
    const pipelineId = `deploy-recs-${version}`;
    const type = i === 13 ? 'pipeline.promoted' : 'pipeline.step_completed';
    const evidence = { step: i, ...(diverge !== undefined && i >= diverge ? { forked: true } : {}) };
    await l.log.append({ eventId: `${pipelineId}:s${i}`, type, actor: 'service:worker', subject: { model: 'recs', version }, pipelineId, outcome: 'success', evidence, source: 'activities/pipeline' });
  }
  l.vkey = readFileSync(l.vkeyFile, 'utf8').trim();
}

const cli = (l: Log, ...args: string[]) => runCli(args, l.env);

/** The first bad entry as `audit verify` prints it. */
async function verdict(l: Log, ...extra: string[]): Promise<{ code: number | null; out: string }> {
  const r = await cli(l, 'audit', 'verify', ...extra);
  return { code: r.code, out: r.stdout + r.stderr };
}

let l: Log;
afterEach(async () => {
  await l?.close();
});

describe('the Merkle audit log on the real database', () => {
  it('checkpoints every N events, at each pipeline end and on demand, in the database and the folder, in the C2SP format', async () => {
    l = await openLog('merkle_cp');
    await appendDeployments(l);
    const stored = await l.db.collection<{ _id: number; note: string; reason: string }>(AUDIT_CHECKPOINTS).find({}).sort({ _id: 1 }).toArray();
    expect(stored.map((c) => [c._id, c.reason])).toEqual([
      [4, 'every-n-events'],
      [8, 'every-n-events'],
      [12, 'every-n-events'],
      [13, 'pipeline-end'],
    ]);
    // The folder keeps the same notes, byte for byte.
    expect(readdirSync(l.folder).sort()).toEqual(['12.checkpoint', '13.checkpoint', '4.checkpoint', '8.checkpoint']);
    for (const c of stored) expect(readFileSync(join(l.folder, `${c._id}.checkpoint`), 'utf8')).toBe(c.note);

    // Each note is origin, size, base64 root, a blank line and one Ed25519 signature line; its root is the RFC 9162
    // root of the events as exported, recomputed here apart from the log.
    const verifier = readVerifier(l.vkey);
    const tree = new CompactTree();
    const events = await l.events.find({}).sort({ globalSeq: 1 }).toArray();
    for (const e of events) {
      tree.add(leafHash(eventLeaf(e)));
      const c = stored.find((s) => s._id === tree.size);
      if (!c) continue;
      expect(c.note).toMatch(new RegExp(`^${verifier.name.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}\\n${tree.size}\\n[A-Za-z0-9+/]{43}=\\n\\n\u2014 ${verifier.name.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} [A-Za-z0-9+/]{91}=\\n$`));
      expect(openCheckpoint(c.note, verifier).root).toEqual(tree.root());
    }

    const onDemand = await cli(l, 'audit', 'checkpoint');
    expect(onDemand.code).toBe(0);
    expect(openCheckpoint(onDemand.stdout, verifier)).toMatchObject({ size: 14, root: tree.root() });
    expect(await l.db.collection(AUDIT_CHECKPOINTS).findOne({ _id: 14 as never })).toMatchObject({ reason: 'on-demand' });

    const ok = await verdict(l);
    expect(ok.code).toBe(0);
    expect(ok.out).toContain('audit log intact: 14 events verified');
    expect(ok.out).toContain('checkpoints: 5 verified, consistent with each other and with the log (newest signs 14 events)');
  });

  it('proves an event and the consistency of two checkpoints, and the Go transparency-log verifiers accept both', async () => {
    l = await openLog('merkle_proof');
    await appendDeployments(l);
    const proof = await cli(l, 'audit', 'prove', 'deploy-recs-1.4.2:s5');
    expect(proof.code).toBe(0);
    const [head, note] = proof.stdout.split('\n\n') as [string, string];
    const lines = head.split('\n');
    expect(lines.slice(0, 3)).toEqual(['c2sp.org/tlog-proof@v1', expect.stringMatching(/^extra /), 'index 4']);
    const leaf = Buffer.from(lines[1]!.slice('extra '.length), 'base64');
    const event = (await l.events.findOne({ _id: 'deploy-recs-1.4.2:s5' }))!;
    expect(leaf).toEqual(eventLeaf(event));
    const signed = openCheckpoint(`${note}\n\n${proof.stdout.split('\n\n')[2]}`, readVerifier(l.vkey));
    const hashes = lines.slice(3).map((h) => Buffer.from(h, 'base64'));
    expect(signed.size).toBe(13);
    expect(hashes.length).toBe(4); // ceil(log2(13))
    expect(inclusionHolds(leafHash(leaf), 4, 13, hashes, signed.root)).toBe(true);

    const file = join(l.home, 'event.tlog-proof');
    writeFileSync(file, proof.stdout);
    const go = spawnSync(TLOG_CHECK, ['proof', l.vkey, file], { encoding: 'utf8' });
    expect(go.stderr + go.stdout).toContain(`inclusion verified: leaf 4 in ${signed.origin} at size 13`);
    writeFileSync(file, proof.stdout.replace(lines[4]!, lines[5]!));
    expect(spawnSync(TLOG_CHECK, ['proof', l.vkey, file], { encoding: 'utf8' }).status).toBe(1);

    const consistency = await cli(l, 'audit', 'consistency', '4', '12');
    expect(consistency.code).toBe(0);
    const c = JSON.parse(consistency.stdout) as { oldRoot: string; newRoot: string; proof: string[]; oldCheckpoint: string; newCheckpoint: string };
    expect(consistencyHolds(4, 12, c.proof.map((h) => Buffer.from(h, 'base64')), Buffer.from(c.oldRoot, 'base64'), Buffer.from(c.newRoot, 'base64'))).toBe(true);
    writeFileSync(join(l.home, 'old'), c.oldCheckpoint);
    writeFileSync(join(l.home, 'new'), c.newCheckpoint);
    const goConsistency = spawnSync(TLOG_CHECK, ['consistency', l.vkey, join(l.home, 'old'), join(l.home, 'new'), ...c.proof], { encoding: 'utf8' });
    expect(goConsistency.stdout).toContain('consistency verified: 4 to 12');

    const notCovered = await cli(l, 'audit', 'prove', 'deploy-recs-1.5.0:s14');
    expect(notCovered.code).toBe(1);
    expect(notCovered.stderr).toContain('no checkpoint covers 14 events yet (the newest signs 13)');
  });

  it('writes a bundle that verifies with no database, and fails after any byte of it changes', async () => {
    l = await openLog('merkle_bundle');
    await appendDeployments(l);
    const file = join(l.home, 'recs-1.4.2.bundle.json');
    const made = await cli(l, 'audit', 'bundle', 'recs@1.4.2', '--out', file);
    expect(made.stdout).toContain(`wrote ${file}: 7 events proven in the checkpoint of 13 events`);
    // The other deployment's last event came after the newest checkpoint: the bundle holds what is covered, and says so.
    const later = await cli(l, 'audit', 'bundle', 'recs@1.5.0', '--out', join(l.home, 'recs-1.5.0.bundle.json'));
    expect(later.stdout).toContain('6 events proven in the checkpoint of 13 events');
    expect(later.stdout).toContain('1 later events of recs@1.5.0 are not in a checkpoint yet');
    const offline = { ...l.env, MONGODB_URI: 'mongodb://127.0.0.1:9/', MONGODB_DB: 'nowhere' };
    const ok = await runCli(['audit', 'verify-bundle', file, '--key', l.vkey], offline);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('bundle verified: recs@1.4.2, 7 events proven in the log');
    expect(ok.stdout).toContain('pipeline deploy-recs-1.4.2: events 1..7 complete, last pipeline.promoted');

    const text = readFileSync(file, 'utf8');
    const verifier = readVerifier(l.vkey);
    let held = 0;
    for (let i = 0; i < text.length; i++) {
      for (const flip of [0x01, 0x20]) {
        const changed = text.slice(0, i) + String.fromCharCode(text.charCodeAt(i) ^ flip) + text.slice(i + 1);
        try {
          verifyBundle(changed, verifier);
          held++;
        } catch {
          // refused, as it must be
        }
      }
    }
    expect({ characters: text.length, changesThatStillVerified: held }).toEqual({ characters: text.length, changesThatStillVerified: 0 });

    const parsed = JSON.parse(text) as { entries: unknown[] };
    parsed.entries.splice(2, 1);
    const sorted = (v: unknown): unknown => (Array.isArray(v) ? v.map(sorted) : v && typeof v === 'object' ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, sorted((v as Record<string, unknown>)[k])])) : v);
    writeFileSync(file, `${JSON.stringify(sorted(parsed), null, 2)}\n`);
    const dropped = await runCli(['audit', 'verify-bundle', file, '--key', l.vkey], offline);
    expect(dropped.code).toBe(1);
    expect(dropped.stderr).toContain('entry 2 (event deploy-recs-1.4.2:s7): the pipeline\'s chain is broken before it: an event is missing');
  });
});

describe('tampering on the real database is caught, naming the first bad entry', () => {
  beforeEach(async () => {
    l = await openLog('merkle_tamper');
    await appendDeployments(l);
  });

  it('an edited event', async () => {
    await l.events.updateOne({ _id: 'deploy-recs-1.4.2:s3' }, { $set: { actor: 'user:mallory' } });
    const v = await verdict(l);
    expect(v.code).toBe(1);
    expect(v.out).toContain('first bad entry: event deploy-recs-1.4.2:s3 (pipeline deploy-recs-1.4.2, seq 2, global seq 3): hash_mismatch');
  });

  it('an edited event with every chain and MAC recomputed: the checkpoint catches what the chains no longer can', async () => {
    await l.events.updateOne({ _id: 'deploy-recs-1.4.2:s3' }, { $set: { evidence: { step: 3, approvedBy: 'user:mallory' } } });
    await rewriteChains(l.events);
    const v = await verdict(l);
    expect(v.code).toBe(1);
    expect(v.out).toContain('first bad entry: event deploy-recs-1.4.2:s3 (pipeline deploy-recs-1.4.2, seq 2, global seq 3): checkpoint_mismatch: differs from the event checkpoint 4 (database) signed at global seq 3');
  });

  it('an edited 10th event, rechained, found by the checkpoint at 12: the count stops before the 10th, not at 12', async () => {
    await l.events.updateOne({ _id: 'deploy-recs-1.5.0:s10' }, { $set: { actor: 'user:mallory' } });
    await rewriteChains(l.events);
    const v = await verdict(l);
    expect(v.code).toBe(1);
    expect(v.out).toContain('audit log BROKEN at global seq 10: the 9 events before it verified\n');
    expect(v.out).toContain('first bad entry: event deploy-recs-1.5.0:s10 (pipeline deploy-recs-1.5.0, seq 5, global seq 10): checkpoint_mismatch');
    const json = JSON.parse((await cli(l, 'audit', 'verify', '--json')).stdout) as { checked: number; firstBroken: { globalSeq: number } };
    expect(json).toMatchObject({ checked: 9, firstBroken: { globalSeq: 10 } });
  });

  it('a deleted event', async () => {
    await l.events.deleteOne({ _id: 'deploy-recs-1.5.0:s6' });
    const v = await verdict(l);
    expect(v.out).toContain('first bad entry: event deploy-recs-1.4.2:s7 (pipeline deploy-recs-1.4.2, seq 4, global seq 7): global_seq_gap');
  });

  it('a reordered pair', async () => {
    const [a, b] = [(await l.events.findOne({ _id: 'deploy-recs-1.4.2:s5' }))!, (await l.events.findOne({ _id: 'deploy-recs-1.4.2:s7' }))!];
    await l.events.updateOne({ _id: a._id }, { $set: { seq: -1, globalSeq: -1 } });
    await l.events.updateOne({ _id: b._id }, { $set: { seq: a.seq, globalSeq: a.globalSeq } });
    await l.events.updateOne({ _id: a._id }, { $set: { seq: b.seq, globalSeq: b.globalSeq } });
    const v = await verdict(l);
    expect(v.out).toContain('first bad entry: event deploy-recs-1.4.2:s7 (pipeline deploy-recs-1.4.2, seq 3, global seq 5): global_link_broken');
    await rewriteChains(l.events);
    expect((await verdict(l)).out).toContain('first bad entry: event deploy-recs-1.4.2:s7 (pipeline deploy-recs-1.4.2, seq 3, global seq 5): checkpoint_mismatch');
  });

  it('an inserted event, the log renumbered and rechained around it', async () => {
    for (const e of await l.events.find({ globalSeq: { $gte: 3 } }).sort({ globalSeq: -1 }).toArray()) {
      await l.events.updateOne({ _id: e._id }, { $set: { globalSeq: e.globalSeq + 1, ...(e.pipelineId === 'deploy-recs-1.4.2' ? { seq: e.seq + 1 } : {}) } });
    }
    const first = (await l.events.findOne({ _id: 'deploy-recs-1.4.2:s1' }))!;
    await l.events.insertOne({ ...first, _id: 'deploy-recs-1.4.2:approval', eventId: 'deploy-recs-1.4.2:approval', type: 'approval.granted', actor: 'user:mallory', seq: 2, globalSeq: 3 });
    await rewriteChains(l.events);
    const v = await verdict(l);
    expect(v.out).toContain('first bad entry: event deploy-recs-1.4.2:approval (pipeline deploy-recs-1.4.2, seq 2, global seq 3): checkpoint_mismatch');
  });

  it('a truncated log, caught by the database\'s checkpoints and, with those deleted too, by the folder\'s', async () => {
    await l.events.deleteMany({ globalSeq: { $gt: 9 } });
    expect((await verdict(l)).out).toContain('first bad entry: global seq 10: truncated: checkpoint 13 (database) signs a log of 13 events, the database holds 9');
    await l.db.collection(AUDIT_CHECKPOINTS).deleteMany({});
    await l.db.collection(AUDIT_TILES).deleteMany({});
    const v = await verdict(l);
    expect(v.code).toBe(1);
    expect(v.out).toContain(`truncated: ${join(l.folder, '13.checkpoint')} signs a log of 13 events, the database holds 9`);
  });

  it('a log rewritten after its checkpoints, with the database\'s checkpoints and tiles replaced: the folder\'s copies show it', async () => {
    await l.events.updateOne({ _id: 'deploy-recs-1.5.0:s2' }, { $set: { outcome: 'failure' } });
    await rewriteChains(l.events);
    await l.db.collection(AUDIT_CHECKPOINTS).deleteMany({});
    await l.db.collection(AUDIT_TILES).deleteMany({});
    const v = await verdict(l);
    // The edited event is the 2nd: without the tiles no event can be named, only the span the checkpoint covers.
    expect(v.out).toContain('audit log BROKEN between global seq 1 and 4: the 0 events before them verified\n');
    expect(v.out).toContain(`first bad entry: one of global seq 1..4: checkpoint_mismatch: the log's root at 4 events differs from ${join(l.folder, '4.checkpoint')}: an event with global seq in 1..4 was changed`);
    // Nor will the log's own signer vouch for the rewritten history: it holds it to the folder's newest checkpoint.
    const resigned = await cli(l, 'audit', 'checkpoint');
    expect(resigned.code).toBe(1);
    expect(resigned.stderr).toContain('the log no longer gives the root of checkpoint 13: it was changed since');
    expect(await l.db.collection(AUDIT_CHECKPOINTS).countDocuments()).toBe(0);
  });

  it('a checkpoint made without the signing key', async () => {
    const impostor = parseSignerKey(generateNoteKeys(readVerifier(l.vkey).name).skey);
    const tree = new CompactTree();
    for (const e of await l.events.find({}).sort({ globalSeq: 1 }).toArray()) tree.add(leafHash(eventLeaf(e)));
    const forged = signCheckpoint({ origin: impostor.name, size: 14, root: tree.root() }, impostor);
    writeFileSync(join(l.folder, '14.checkpoint'), forged);
    expect((await verdict(l)).out).toContain(`checkpoint_invalid: ${join(l.folder, '14.checkpoint')}: the note carries no signature by ${readVerifier(l.vkey).name}+`);
    // Claiming the real key's ID does not help: the signature itself does not verify.
    const realId = Buffer.alloc(4);
    realId.writeUInt32BE(readVerifier(l.vkey).keyId);
    const line = forged.split('\n\n')[1]!;
    const sig = Buffer.from(line.split(' ')[2]!, 'base64');
    writeFileSync(join(l.folder, '14.checkpoint'), `${forged.split('\n\n')[0]}\n\n\u2014 ${impostor.name} ${Buffer.concat([realId, sig.subarray(4)]).toString('base64')}\n`);
    expect((await verdict(l)).out).toContain('checkpoint_invalid');
    expect((await verdict(l)).out).toContain('does not verify');
  });
});

describe('a fork: two logs shown to two readers', () => {
  let other: Log | undefined;
  afterEach(async () => {
    await other?.close();
  });

  it('is caught when one reader\'s checkpoint meets the other\'s log', async () => {
    // The log's operator holds the key and keeps two histories that part after the 2nd event.
    const keys = mkdtempSync(join(tmpdir(), 'modelship-fork-keys-'));
    const generated = await runCli(['audit', 'keygen', '--name', 'audit.example/programme', '--out', keys], {});
    expect(generated.code).toBe(0);
    l = await openLog('merkle_fork_a', join(keys, 'signing.key'));
    other = await openLog('merkle_fork_b', join(keys, 'signing.key'));
    await appendDeployments(l, 8);
    await appendDeployments(other, 8, 3);
    const readerA = join(l.folder, '8.checkpoint');
    // Each log verifies on its own.
    expect((await verdict(l)).code).toBe(0);
    expect((await verdict(other)).code).toBe(0);
    // Reader B holds its log to reader A's checkpoint.
    const v = await verdict(other, '--key', join(keys, 'verifier.key'), '--checkpoint', readerA);
    expect(v.code).toBe(1);
    expect(v.out).toContain(`checkpoint_fork: checkpoint 8 (database) and ${readerA} both sign a log of 8 events with different roots`);
    rmSync(keys, { recursive: true, force: true });
  });
});
