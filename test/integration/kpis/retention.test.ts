import { createAuditLog, ensureAuditIndexes, verifyAudit, type StoredAuditEvent } from '../../../src/audit';
import { emptyCounters } from '../../../src/contracts/kpi';
import type { Mongo } from '../../../src/db';
import { createKpiBucketStore } from '../../../src/kpis/bucket-store';
import { recordSeconds } from '../../../src/kpis/record-seconds';
import { dropExpiredKpis } from '../../../src/kpis/retention';
import { openTestDb } from '../../support/mongo';

const NOW = Date.parse('2026-12-07T12:00:00.000Z');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const second = (start: number) => ({ model: 'films', version: '1.0.0', start, counters: { ...emptyCounters(), requests: 5 }, users: [] });
const kpiCollections = async (db: Mongo['db']) => (await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name).filter((n) => n.startsWith('kpi.films.')).sort();

describe('KPI retention', () => {
  let mongo: Mongo;
  beforeAll(async () => {
    mongo = await openTestDb('kpi_retention');
    await ensureAuditIndexes(mongo.db);
    // Seconds 10 minutes, 5 hours, 3 days, 40 days and 500 days old: each level's partitions, some past their horizon.
    await recordSeconds(mongo.db, 'gw-a', [10 * 60_000, 5 * HOUR, 3 * DAY, 40 * DAY, 500 * DAY].map((age) => second(NOW - age)));
  });
  afterAll(async () => mongo?.close());

  it('drops every partition past its horizon, whole, auditing each drop first, and keeps the rest', async () => {
    const before = await kpiCollections(mongo.db);
    const audit = createAuditLog(mongo.db);
    const dropped = await dropExpiredKpis(mongo.db, audit, NOW);
    const after = await kpiCollections(mongo.db);
    expect(after).toEqual(before.filter((n) => !dropped.some((d) => d.collection === n)));
    // The finest level keeps only the last hours; a day slot is kept for ever.
    expect(after.filter((n) => n.includes('.1s.'))).toEqual(['kpi.films.1s.2026120711']);
    expect(after).toContain('kpi.films.1d');
    expect(dropped.map((d) => d.collection)).toEqual(expect.arrayContaining(['kpi.films.1s.2026120707', 'kpi.films.10s.20261204', 'kpi.films.1m.20261028', 'kpi.films.10m.202507']));

    const events = await mongo.db.collection<StoredAuditEvent>('audit_events').find({ type: 'kpis.partition_dropped' }).toArray();
    expect(events.map((e) => e.evidence.collection).sort()).toEqual(dropped.map((d) => d.collection).sort());
    expect(events[0]).toMatchObject({ pipelineId: 'kpi-retention-films', subject: { model: 'films' }, actor: 'service:kpi-retention' });
    expect(await verifyAudit(mongo.db)).toMatchObject({ ok: true });

    // A second run finds nothing more to drop and audits nothing twice.
    expect(await dropExpiredKpis(mongo.db, audit, NOW)).toEqual([]);
    expect(await mongo.db.collection('audit_events').countDocuments({ type: 'kpis.partition_dropped' })).toBe(events.length);
  });

  it('still reads the recent past, and an old range at the coarsest level kept', async () => {
    const store = createKpiBucketStore(mongo.db, () => NOW);
    expect((await store.sum('films', '1.0.0', NOW - HOUR, NOW)).counters.requests).toBe(5);
    expect((await store.sum('films', '1.0.0', NOW - 41 * DAY, NOW - 39 * DAY)).counters.requests).toBe(5);
    expect((await store.sum('films', '1.0.0', NOW - 600 * DAY, NOW)).counters.requests).toBe(25);
  });
});
