import type { Collection, Db } from 'mongodb';
import { eventHash, eventMac, globalHash, verifyAudit, type AuditLog, type StoredAuditEvent } from '../../../src/audit';
import { auditEvent, openAudit } from './fixtures';

/** Each test gets its own database: tampering is destructive and whole-log verification sees every event. */
let db: Db;
let log: AuditLog;
let close: () => Promise<void>;
let events: Collection<StoredAuditEvent>;

beforeEach(async () => {
  ({ db, log, close } = await openAudit('auditver'));
  events = db.collection<StoredAuditEvent>('audit_events');
  // Global order: a1 b1 a2 b2 a3 b3
  for (const step of ['1', '2', '3']) {
    await log.append(auditEvent('wf-a', step));
    await log.append(auditEvent('wf-b', step));
  }
});
afterEach(() => close());

const get = async (id: string) => (await events.findOne({ _id: id }))!;

/**
 * What an attacker with write access but without the HMAC key can do at best: recompute every pipeline chain (in seq
 * order) and the global chain (in globalSeq order), signing events from `fromGlobalSeq` on with a key of their own.
 */
async function rechainFrom(fromGlobalSeq: number, attackerKey = 'guessed-key'): Promise<void> {
  const bySeq = await events.find({}).sort({ pipelineId: 1, seq: 1 }).toArray();
  const hashes = new Map<string, { prevHash: string; hash: string }>();
  const chainHead = new Map<string, string>();
  for (const e of bySeq) {
    const prevHash = chainHead.get(e.pipelineId) ?? '0'.repeat(64);
    const hash = eventHash({ ...e, prevHash });
    hashes.set(e._id, { prevHash, hash });
    chainHead.set(e.pipelineId, hash);
  }
  let globalPrev = '0'.repeat(64);
  for (const e of await events.find({}).sort({ globalSeq: 1 }).toArray()) {
    const { prevHash, hash } = hashes.get(e._id)!;
    const gHash = globalHash(e.globalSeq, globalPrev, hash);
    if (e.globalSeq >= fromGlobalSeq) {
      await events.updateOne({ _id: e._id }, { $set: { prevHash, hash, globalPrevHash: globalPrev, globalHash: gHash, mac: eventMac(attackerKey, gHash) } });
    }
    globalPrev = gHash;
  }
}

describe('verifyAudit', () => {
  it('accepts an untampered log, whole and per pipeline', async () => {
    const whole = await verifyAudit(db);
    expect(whole).toMatchObject({ ok: true, checked: 6, head: { globalSeq: 6, globalHash: (await get('wf-b:3')).globalHash } });
    expect(whole.firstBroken).toBeUndefined();
    expect(await verifyAudit(db, { pipelineId: 'wf-a' })).toEqual({ ok: true, checked: 3 });
  });

  it('detects an edited event', async () => {
    await events.updateOne({ _id: 'wf-a:2' }, { $set: { actor: 'user:mallory' } });
    const expected = { eventId: 'wf-a:2', seq: 2, globalSeq: 3, reason: 'hash_mismatch' };
    expect(await verifyAudit(db)).toMatchObject({ ok: false, checked: 2, firstBroken: expected });
    expect(await verifyAudit(db, { pipelineId: 'wf-a' })).toMatchObject({ ok: false, checked: 1, firstBroken: expected });
  });

  it('detects an edited event whose hashes were recomputed without the key', async () => {
    await events.updateOne({ _id: 'wf-a:2' }, { $set: { evidence: { step: '2', metrics: { auc: 0.99 } } } });
    await rechainFrom(3);
    expect(await verifyAudit(db)).toMatchObject({ ok: false, firstBroken: { eventId: 'wf-a:2', reason: 'mac_mismatch' } });
  });

  it('detects a deleted event', async () => {
    await events.deleteOne({ _id: 'wf-a:2' });
    expect(await verifyAudit(db)).toMatchObject({ ok: false, checked: 2, firstBroken: { eventId: 'wf-b:2', globalSeq: 4, reason: 'global_seq_gap' } });
    expect(await verifyAudit(db, { pipelineId: 'wf-a' })).toMatchObject({ ok: false, firstBroken: { eventId: 'wf-a:3', seq: 3, reason: 'seq_gap' } });
  });

  it('detects a reordered pair', async () => {
    const [a2, a3] = [await get('wf-a:2'), await get('wf-a:3')];
    // Swap their positions in both chains (through a free slot, as the unique indexes demand).
    await events.updateOne({ _id: 'wf-a:2' }, { $set: { seq: -1, globalSeq: -1 } });
    await events.updateOne({ _id: 'wf-a:3' }, { $set: { seq: a2.seq, globalSeq: a2.globalSeq } });
    await events.updateOne({ _id: 'wf-a:2' }, { $set: { seq: a3.seq, globalSeq: a3.globalSeq } });
    const whole = await verifyAudit(db);
    expect(whole).toMatchObject({ ok: false, checked: 2, firstBroken: { eventId: 'wf-a:3', globalSeq: 3, reason: 'global_link_broken' } });
    expect((await verifyAudit(db, { pipelineId: 'wf-a' })).firstBroken).toMatchObject({ eventId: 'wf-a:3', seq: 2, reason: 'chain_link_broken' });
  });

  it('detects a forged event inserted into a pipeline chain with recomputed hashes', async () => {
    // The forger slots a fake approval in as wf-a's 2nd event, shifts wf-a's later events down, appends the fake at
    // the end of the global chain and recomputes every hash it can.
    const a1 = await get('wf-a:1');
    for (const id of ['wf-a:3', 'wf-a:2']) {
      const e = await get(id);
      await events.updateOne({ _id: id }, { $set: { seq: e.seq + 1 } });
    }
    const fake = { ...a1, _id: 'wf-a:approve', eventId: 'wf-a:approve', type: 'approval.granted', actor: 'user:mallory', seq: 2, globalSeq: 7 };
    await events.insertOne(fake);
    await rechainFrom(3); // wf-a:2 (global 3) is the first event whose hash changes

    // Without the key the forged MAC fails, even within the pipeline alone.
    expect(await verifyAudit(db, { pipelineId: 'wf-a' })).toMatchObject({
      ok: false,
      checked: 1,
      firstBroken: { eventId: 'wf-a:approve', seq: 2, reason: 'mac_mismatch' },
    });

    // Were there no MAC (simulated: the forger re-signs everything and we verify with their key), the pipeline chain
    // alone would look valid, but the global chain still catches the insertion: its order contradicts the rewritten
    // pipeline order.
    await rechainFrom(1);
    expect(await verifyAudit(db, { pipelineId: 'wf-a', hmacKey: 'guessed-key' })).toMatchObject({ ok: true, checked: 4 });
    expect(await verifyAudit(db, { hmacKey: 'guessed-key' })).toMatchObject({
      ok: false,
      firstBroken: { eventId: 'wf-a:2', seq: 3, globalSeq: 3, reason: 'seq_gap' },
    });
  });

  it('detects a truncated tail only against an anchor kept outside the database', async () => {
    const anchor = (await verifyAudit(db)).head!;
    await events.deleteOne({ _id: 'wf-b:3' });
    expect((await verifyAudit(db)).ok).toBe(true);
    expect(await verifyAudit(db, { anchor })).toMatchObject({ ok: false, firstBroken: { globalSeq: 6, reason: 'anchor_mismatch' } });
  });

  it('reports a structurally damaged event', async () => {
    await events.updateOne({ _id: 'wf-b:1' }, { $unset: { mac: '' } });
    expect(await verifyAudit(db)).toMatchObject({ ok: false, checked: 1, firstBroken: { eventId: 'wf-b:1', reason: 'malformed' } });
  });

  it('refuses a wrong key', async () => {
    expect(await verifyAudit(db, { hmacKey: 'not-the-key' })).toMatchObject({ ok: false, checked: 0, firstBroken: { reason: 'mac_mismatch' } });
  });
});
