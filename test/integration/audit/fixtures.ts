import type { Db } from 'mongodb';
import { createAuditLog, ensureAuditIndexes, type AuditEventInput, type AuditLog, type AuditLogOptions } from '../../../src/audit';
import { openTestDb } from '../../support/mongo';

export async function openAudit(prefix: string, options: AuditLogOptions = {}): Promise<{ db: Db; log: AuditLog; close: () => Promise<void> }> {
  const mongo = await openTestDb(prefix);
  await ensureAuditIndexes(mongo.db);
  return { db: mongo.db, log: createAuditLog(mongo.db, options), close: mongo.close };
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
