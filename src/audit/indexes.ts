import type { Collection, Db } from 'mongodb';
import { ensureIndexSet } from '../db/ensure-indexes';
import { keepNewestEdge } from './checkpoints/checkpoint-store';
import { backfillPositions } from './positions';
import type { StoredAuditEvent } from './schemas';

export const AUDIT_EVENTS = 'audit_events';

export function auditCollection(db: Db): Collection<StoredAuditEvent> {
  return db.collection<StoredAuditEvent>(AUDIT_EVENTS);
}

/**
 * _id is the eventId (idempotency). The two unique indexes are what stop a chain from forking: two writers that
 * read the same head cannot both insert its successor. Each index costs every append a write, so there are no others.
 */
export async function ensureAuditIndexes(db: Db): Promise<void> {
  await ensureIndexSet(db, AUDIT_EVENTS, [
    { key: { pipelineId: 1, seq: 1 }, name: 'chain_seq', unique: true },
    { key: { globalSeq: 1 }, name: 'global_seq', unique: true },
  ]);
  await backfillPositions(db, auditCollection(db).find({}).sort({ globalSeq: 1 }));
  await keepNewestEdge(db);
}
