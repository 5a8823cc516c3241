export { AuditLog, createAuditLog, type AuditLogOptions } from './audit-log';
export { verifyAudit, type VerifyOptions, type VerifyReport, type BrokenLink, type BreakReason } from './verify';
export { auditLines, exportAudit, type ExportFilter } from './export';
export { ensureAuditIndexes, AUDIT_EVENTS } from './indexes';
export { DEFAULT_LOCAL_HMAC_KEY, GENESIS_HASH, eventHash, eventLeaf, globalHash, eventMac } from './hash';
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
export { createSigningAuditLog } from './checkpoints/signing-log';
export { Checkpointer, endsPipeline, type IssuedCheckpoint } from './checkpoints/checkpointer';
export { makeBundle, verifyBundle, BUNDLE_FORMAT, type BundleReport } from './checkpoints/bundle';
export { proveEvent, proveConsistency, tlogProofText, type InclusionProof, type ConsistencyProof } from './checkpoints/proofs';
export { storedCheckpoints, readCheckpointFiles, AUDIT_CHECKPOINTS, type FoundCheckpoint } from './checkpoints/checkpoint-store';
export { AUDIT_TILES } from './checkpoints/tile-store';
export { auditPaths, localSigner, readSigner, readVerifier, type AuditPaths } from './checkpoints/key-files';
export { generateNoteKeys, parseVerifierKey, parseSignerKey, type NoteSigner, type NoteVerifier } from './checkpoints/note-keys';
export { openCheckpoint, signCheckpoint, type TreeHead } from './checkpoints/checkpoint-text';
