import type { Db } from 'mongodb';
import { verifyAudit, type AuditLog, type StoredAuditEvent } from '../../../src/audit';
import { AUDIT_INBOX, type InboxDoc } from '../../../src/audit/lanes';
import { LEASE_MS, sealerTerms } from '../../../src/audit/sealer-lease';
import { auditEvent, openAudit } from './fixtures';
import { stuckAfter } from '../../support/time-factor';

let db: Db;
let close: () => Promise<void>;
let newLog: () => AuditLog;

beforeEach(async () => {
  ({ db, close, newLog } = await openAudit('auditseal'));
});
afterEach(() => close());

const inbox = () => db.collection<InboxDoc>(AUDIT_INBOX);
const storedIds = async () => new Set((await db.collection<StoredAuditEvent>('audit_events').find({}, { projection: { _id: 1 } }).toArray()).map((e) => e._id));

async function until<T>(what: string, probe: () => Promise<T | null | undefined | false>, boundMs = stuckAfter(60_000)): Promise<T> {
  for (const deadline = Date.now() + boundMs; Date.now() < deadline; await new Promise((r) => setTimeout(r, 100))) {
    const value = await probe();
    if (value) return value;
  }
  throw new Error(`${what}: not within ${boundMs / 1000} s`);
}

describe('the audit sealer', () => {
  it('seals contending writers through their lanes: each event once, in every chain, the lanes emptied into the log', async () => {
    const logs = Array.from({ length: 6 }, newLog);
    const appended = await Promise.all(
      logs.map(async (log, w) => {
        const mine: StoredAuditEvent[] = [];
        for (let i = 0; i < 20; i++) mine.push(await log.append(auditEvent(i % 2 ? `wf-own-${w}` : 'wf-shared', `w${w}-e${i}`)));
        return mine;
      }),
    );

    expect(await sealerTerms(db).countDocuments({})).toBeGreaterThanOrEqual(1);
    const entries = await inbox().find({}).toArray();
    expect(entries.length).toBeGreaterThan(0);
    const ids = await storedIds();
    expect(ids.size).toBe(120);
    for (const e of entries) expect(ids.has(e.event.eventId)).toBe(true);
    // What each writer was told is what the log holds.
    const stored = new Map((await db.collection<StoredAuditEvent>('audit_events').find({}).toArray()).map((e) => [e._id, e]));
    for (const e of appended.flat()) expect(stored.get(e.eventId)).toEqual(e);
    expect(await verifyAudit(db)).toMatchObject({ ok: true, checked: 120 });
    for (let w = 0; w < 6; w++) expect(await verifyAudit(db, { pipelineId: `wf-own-${w}` })).toMatchObject({ ok: true, checked: 10 });
  });

  it('lets a waiting writer take the term of a sealer that stopped renewing it, and seal what waited; the term is given up when idle', async () => {
    // A sealer that took its term and died at once.
    await sealerTerms(db).insertOne({ _id: 't1', term: 1, holder: 'a-dead-worker', renewedMs: Date.now(), lanesKnown: 0, lanes: [] });
    const log = newLog();
    const began = Date.now();
    const stored = await log.append(auditEvent('wf-orphan', 'after-the-crash'));
    // Not before the dead sealer's term lapsed: a live term is never taken.
    expect(Date.now() - began).toBeGreaterThanOrEqual(LEASE_MS - 100);

    expect(stored).toMatchObject({ eventId: 'wf-orphan:after-the-crash', seq: 1, globalSeq: 1 });
    // It went through the lane, since the dead sealer's term was live when it began.
    expect(await inbox().findOne({ 'event.eventId': 'wf-orphan:after-the-crash' })).not.toBeNull();
    const t2 = await sealerTerms(db).findOne({ _id: 't2' });
    expect(t2?.holder).not.toBe('a-dead-worker');

    const released = await until('the idle sealer gives its term up', async () => (await sealerTerms(db).findOne({ _id: 't2' }))?.released);
    expect(released).toBe(true);
    const before = await inbox().countDocuments({});
    await log.append(auditEvent('wf-orphan', 'alone-again'));
    expect(await inbox().countDocuments({})).toBe(before);
    expect(await verifyAudit(db)).toMatchObject({ ok: true, checked: 2 });
  });

  it('returns the stored event to a writer whose retried append the sealer found already stored, and refuses a different one under its id', async () => {
    const first = newLog();
    const original = await first.append(auditEvent('wf-retry', 'step'));
    await sealerTerms(db).insertOne({ _id: 't1', term: 1, holder: 'a-dead-worker', renewedMs: Date.now(), lanesKnown: 0, lanes: [] });
    const second = newLog();
    await expect(second.append(auditEvent('wf-retry', 'step', { evidence: { step: 'again' } }))).resolves.toEqual(original);
    await expect(second.append(auditEvent('wf-retry', 'step', { outcome: 'failure' }))).rejects.toMatchObject({ code: 'AUDIT_EVENT_CONFLICT' });
    expect(await verifyAudit(db)).toMatchObject({ ok: true, checked: 1 });
  });
});
