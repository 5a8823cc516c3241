export { AuditLog, createAuditLog, type AuditLogOptions } from './audit-log';
export { verifyAudit, type VerifyOptions, type VerifyReport, type BrokenLink, type BreakReason } from './verify';
export { auditLines, exportAudit, type ExportFilter } from './export';
export { ensureAuditIndexes, AUDIT_EVENTS } from './indexes';
export { DEFAULT_LOCAL_HMAC_KEY, GENESIS_HASH, eventHash, globalHash, eventMac } from './hash';
export { canonicalJson, jsonObjectSchema, type JsonValue, type JsonObject } from './json';
export {
  AUDIT_OUTCOMES,
  auditEventInputSchema,
  storedAuditEventSchema,
  type AuditEventInput,
  type StoredAuditEvent,
  type AuditOutcome,
  type AuditSubject,
  type AuditAnchor,
} from './schemas';
export * from './errors';
