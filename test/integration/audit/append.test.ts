import { PassThrough } from 'node:stream';
import type { Db } from 'mongodb';
import {
  AuditEventConflictError,
  auditLines,
  createAuditLog,
  exportAudit,
  GENESIS_HASH,
  type AuditLog,
  type StoredAuditEvent,
} from '../../../src/audit';
import { auditWriteConcern, detectServerKind } from '../../../src/audit/mongo';
import { auditEvent, caught, openAudit } from './fixtures';
import { InputError } from '../../../src/validation/input-error';

let db: Db;
let log: AuditLog;
let close: () => Promise<void>;

beforeAll(async () => {
  ({ db, log, close } = await openAudit('auditapp'));
});
afterAll(() => close());

const events = () => db.collection<StoredAuditEvent>('audit_events');

describe('appendAudit', () => {
  const stored: StoredAuditEvent[] = [];

  it('chains events per pipeline and globally, and stores exactly what it returns', async () => {
    const at = new Date('2026-05-01T10:00:00.000Z');
    stored.push(await log.append(auditEvent('wf-a', 'validate', { at, type: 'validation.completed', evidence: { auc: 0.8, checks: ['auc', 'p99'] } })));
    stored.push(await log.append(auditEvent('wf-a', 'approve', { type: 'approval.granted', actor: 'user:carol', evidence: { ticket: 'CHG-42' } })));
    stored.push(await log.append(auditEvent('wf-b', 'validate', { outcome: 'refused', subject: { model: 'recs' } })));
    const [a1, a2, b1] = stored as [StoredAuditEvent, StoredAuditEvent, StoredAuditEvent];
    expect(a1).toMatchObject({ eventId: 'wf-a:validate', at, seq: 1, prevHash: GENESIS_HASH, globalSeq: 1, globalPrevHash: GENESIS_HASH });
    expect(a2).toMatchObject({ seq: 2, prevHash: a1.hash, globalSeq: 2, globalPrevHash: a1.globalHash, actor: 'user:carol' });
    expect(b1).toMatchObject({ seq: 1, prevHash: GENESIS_HASH, globalSeq: 3, globalPrevHash: a2.globalHash, outcome: 'refused' });
    for (const e of stored) expect(await events().findOne({ _id: e.eventId })).toEqual(e);
    expect(await log.verify()).toMatchObject({ ok: true, checked: 3, head: { globalSeq: 3, globalHash: b1.globalHash } });
  });

  it('turns 100 retries of the same append into one event', async () => {
    const input = auditEvent('wf-c', 'rollout-start', { type: 'rollout.started' });
    const first = await log.append(input);
    for (let i = 0; i < 99; i++) expect(await log.append(input)).toEqual(first);
    expect(await events().countDocuments({ eventId: 'wf-c:rollout-start' })).toBe(1);
    expect(await events().countDocuments()).toBe(4);
  });

  it('turns concurrent retries from several writers into one event', async () => {
    const input = auditEvent('wf-c', 'rollout-done', { type: 'rollout.completed' });
    const writers = Array.from({ length: 4 }, () => createAuditLog(db));
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => writers[i % 4]!.append(input)));
    expect(new Set(results.map((r) => r.hash)).size).toBe(1);
    expect(await events().countDocuments({ pipelineId: 'wf-c' })).toBe(2);
    expect((await log.verify({ pipelineId: 'wf-c' })).ok).toBe(true);
    await Promise.all(writers.map((w) => w.close()));
  });

  it('keeps the first write when a retry carries other evidence or time', async () => {
    const first = await log.append(auditEvent('wf-d', 'train', { evidence: { attempt: 1 } }));
    const retry = await log.append(auditEvent('wf-d', 'train', { evidence: { attempt: 2 }, at: new Date(0) }));
    expect(retry).toEqual(first);
  });

  it('refuses an eventId reused for a different event and writes nothing', async () => {
    const before = await events().countDocuments();
    const error = await caught(() => log.append(auditEvent('wf-d', 'train', { type: 'training.failed', outcome: 'failure' })));
    expect(error).toBeInstanceOf(AuditEventConflictError);
    expect(error).toMatchObject({ code: 'AUDIT_EVENT_CONFLICT', fields: ['type', 'outcome'] });
    expect(error.message).toMatch(/eventId: "wf-d:train" is already recorded with different type, outcome/);
    expect(await events().countDocuments()).toBe(before);
  });

  it('refuses invalid events, naming each field and rule, and writes nothing', async () => {
    const before = await events().countDocuments();
    const error = await caught(() =>
      log.append({
        ...auditEvent('wf-e', 'x'),
        type: 'Approval Granted',
        outcome: 'ok' as never,
        subject: { model: 'recs', version: 'latest' },
        evidence: { matrix: [[1, 0]], 'a.b': 1 },
      }),
    );
    expect(error).toBeInstanceOf(InputError);
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.message).toMatch(/type: must be dot-separated lowercase words/);
    expect(error.message).toMatch(/outcome: must be one of success, failure, refused/);
    expect(error.message).toMatch(/subject\.version: must be a semantic version/);
    expect(error.message).toMatch(/evidence\.matrix\[0\]: nested arrays are not storable on FerretDB 1\.x/);
    expect(error.message).toMatch(/evidence\.a\.b: key must not contain '\.'/);
    expect(await events().countDocuments()).toBe(before);
  });
});

describe('exportAudit', () => {
  it('writes JSON lines in global order with every field', async () => {
    const out = new PassThrough();
    const text: string[] = [];
    out.on('data', (chunk: Buffer) => text.push(chunk.toString()));
    const count = await exportAudit(db, {}, out);
    const lines = text.join('').trimEnd().split('\n');
    expect(lines).toHaveLength(count);
    expect(count).toBe(await events().countDocuments());
    const parsed = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(parsed.map((p) => p.globalSeq)).toEqual(parsed.map((_, i) => i + 1));
    expect(parsed[0]).toMatchObject({ eventId: 'wf-a:validate', at: '2026-05-01T10:00:00.000Z', seq: 1, evidence: { auc: 0.8, checks: ['auc', 'p99'] } });
    expect(Object.keys(parsed[0]!)).toEqual(expect.arrayContaining(['hash', 'prevHash', 'globalHash', 'globalPrevHash', 'mac', 'source', 'actor']));
  });

  it('filters by pipeline (in chain order) and by time', async () => {
    const lines: string[] = [];
    for await (const line of auditLines(db, { pipelineId: 'wf-a' })) lines.push(line);
    expect(lines.map((l) => (JSON.parse(l) as { seq: number }).seq)).toEqual([1, 2]);
    const since: string[] = [];
    for await (const line of auditLines(db, { since: new Date('2026-05-01T10:00:00.001Z') })) since.push(line);
    expect(since.some((l) => l.includes('"wf-a:validate"'))).toBe(false);
    expect(since.length).toBe((await events().countDocuments()) - 1);
  });
});

describe('server detection', () => {
  it('recognises the server and it accepts the MongoDB audit write concern', async () => {
    const info = await db.admin().command({ buildInfo: 1 });
    const kind = await detectServerKind(db);
    expect(kind).toBe('ferretdbVersion' in info ? 'ferretdb' : 'mongodb');
    // FerretDB 1.x accepts (and ignores) it, so a deployment may point the same code at either server.
    const probe = db.collection('write_concern_probe');
    await probe.insertOne({ _id: 'x' as never }, { writeConcern: auditWriteConcern('mongodb')! });
    expect(await probe.countDocuments()).toBe(1);
  });
});

describe('createAuditLog', () => {
  it('refuses a trivially short HMAC key', () => {
    expect(() => createAuditLog(db, { hmacKey: '' })).toThrow(/hmacKey: must be at least 16 bytes/);
  });
});
