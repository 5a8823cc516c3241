import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Db } from 'mongodb';
import type { Env } from '../../config/schema';
import { AuditLog } from '../audit-log';
import type { StoredAuditEvent } from '../schemas';
import { makeBundle } from './bundle';
import { Checkpointer } from './checkpointer';
import { auditPaths, localSigner, readSigner } from './key-files';

type AuditSettings = Pick<Env, 'AUDIT_DIR' | 'AUDIT_SIGNING_KEY_FILE' | 'AUDIT_CHECKPOINT_DIR' | 'AUDIT_CHECKPOINT_EVERY' | 'AUDIT_HMAC_KEY'>;

/**
 * The audit log of a process that holds the signing key (a worker): it checkpoints the log every
 * AUDIT_CHECKPOINT_EVERY events and at every pipeline end, and then writes that deployment's evidence bundle where
 * `bundlePath` says (beside its report). Without AUDIT_SIGNING_KEY_FILE, the local key under AUDIT_DIR is used, made on first use.
 */
export function createSigningAuditLog(db: Db, env: AuditSettings, options: { bundlePath?: (pipelineId: string) => string; warn?: (line: string) => void } = {}): AuditLog {
  const paths = auditPaths(env, db.databaseName);
  const signer = env.AUDIT_SIGNING_KEY_FILE ? readSigner(env.AUDIT_SIGNING_KEY_FILE) : localSigner(paths);
  const checkpointer = new Checkpointer(db, { signer, folder: paths.checkpointDir, every: env.AUDIT_CHECKPOINT_EVERY });
  const bundlePath = options.bundlePath;
  const afterPipelineEnd = bundlePath
    ? async (event: StoredAuditEvent) => {
        if (!event.subject.version) return;
        const { text } = await makeBundle(db, event.subject.model, event.subject.version);
        const path = bundlePath(event.pipelineId);
        mkdirSync(dirname(path), { recursive: true });
        writeFileSync(path, text);
      }
    : undefined;
  return new AuditLog(db, {
    checkpointer,
    ...(env.AUDIT_HMAC_KEY ? { hmacKey: env.AUDIT_HMAC_KEY } : {}),
    ...(options.warn ? { warn: options.warn } : {}),
    ...(afterPipelineEnd ? { afterPipelineEnd } : {}),
  });
}
