import type { Db } from 'mongodb';
import { createAuditLog, ensureAuditIndexes, type AuditEventInput, type AuditLog, type AuditLogOptions } from '../../../src/audit';
import { openTestDb } from '../../support/mongo';

/**
 * A test database with the audit indexes, its log, and `newLog` for more writers. `close` closes every log first, so a
 * sealer among them gives its term up before the database goes.
 */
export async function openAudit(prefix: string, options: AuditLogOptions = {}): Promise<{ db: Db; log: AuditLog; newLog: () => AuditLog; close: () => Promise<void> }> {
  const mongo = await openTestDb(prefix);
  await ensureAuditIndexes(mongo.db);
  const made: AuditLog[] = [];
  const newLog = () => {
    const log = createAuditLog(mongo.db, options);
    made.push(log);
    return log;
  };
  const close = async () => {
    await Promise.all(made.map((log) => log.close()));
    await mongo.close();
  };
  return { db: mongo.db, log: newLog(), newLog, close };
}

export function auditEvent(pipelineId: string, step: string, extra: Partial<AuditEventInput> = {}): AuditEventInput {
  return {
    eventId: `${pipelineId}:${step}`,
    type: 'pipeline.step_completed',
    actor: 'service:worker',
    subject: { model: 'recs', version: '1.4.2' },
    pipelineId,
    outcome: 'success',
    evidence: { step, metrics: { auc: 0.81 } },
    source: 'activities/pipeline',
    ...extra,
  };
}

export { caught } from '../../support/caught';
