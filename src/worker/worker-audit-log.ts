import type { Db } from 'mongodb';
import { createSigningAuditLog, type AuditLog } from '../audit';
import type { Env } from '../config/schema';
import { bundlePath } from '../reports';

/** A worker's audit log: it signs checkpoints, and writes each deployment's evidence bundle beside its report. */
export function createWorkerAuditLog(db: Db, env: Env, reportsDir: string, warn: (line: string) => void = (line) => console.warn(line)): AuditLog {
  return createSigningAuditLog(db, env, { bundlePath: (pipelineId) => bundlePath(reportsDir, pipelineId), warn });
}
