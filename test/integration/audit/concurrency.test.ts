import type { Db } from 'mongodb';
import { verifyAudit, type AuditLog, type StoredAuditEvent } from '../../../src/audit';
import { auditEvent, openAudit } from './fixtures';

let db: Db;
let close: () => Promise<void>;
let newLog: () => AuditLog;

beforeEach(async () => {
  ({ db, close, newLog } = await openAudit('auditcon'));
});
afterEach(() => close());

const WRITERS = 8;
const PER_WRITER = 12;

/** Each writer alternates between a pipeline all writers share and one of its own. */
async function runWriters(logs: AuditLog[]): Promise<StoredAuditEvent[]> {
  const results = await Promise.all(
    logs.map(async (log, w) => {
      const mine: StoredAuditEvent[] = [];
      for (let i = 0; i < PER_WRITER; i++) {
        const pipelineId = i % 2 === 0 ? 'wf-shared' : `wf-own-${w}`;
        mine.push(await log.append(auditEvent(pipelineId, `w${w}-e${i}`)));
      }
      return mine;
    }),
  );
  return results.flat();
}

async function expectIntactChains(appended: StoredAuditEvent[]): Promise<void> {
  const total = WRITERS * PER_WRITER;
  expect(appended).toHaveLength(total);
  const stored = await db.collection<StoredAuditEvent>('audit_events').find({}).sort({ globalSeq: 1 }).toArray();
  expect(stored.map((e) => e.globalSeq)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
  const shared = stored.filter((e) => e.pipelineId === 'wf-shared').map((e) => e.seq);
  expect(shared.sort((a, b) => a - b)).toEqual(Array.from({ length: total / 2 }, (_, i) => i + 1));
  // Every append returned exactly what was stored.
  const byId = new Map(stored.map((e) => [e.eventId, e]));
  for (const e of appended) expect(byId.get(e.eventId)).toEqual(e);
  expect(await verifyAudit(db)).toMatchObject({ ok: true, checked: total });
  for (const pipelineId of ['wf-shared', ...Array.from({ length: WRITERS }, (_, w) => `wf-own-${w}`)]) {
    expect((await verifyAudit(db, { pipelineId })).ok).toBe(true);
  }
}

describe('concurrent appends', () => {
  it('keep every chain intact with 8 independent writers (as 8 worker processes would be)', async () => {
    const logs = Array.from({ length: WRITERS }, newLog);
    await expectIntactChains(await runWriters(logs));
  });

  it('keep every chain intact with 8 concurrent callers sharing one writer', async () => {
    const shared = newLog();
    await expectIntactChains(await runWriters(Array.from({ length: WRITERS }, () => shared)));
  });
});
