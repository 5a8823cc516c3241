import { existsSync, linkSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { generateNoteKeys, parseSignerKey, parseVerifierKey, type NoteSigner, type NoteVerifier } from './note-keys';

/** Where a log's keys and checkpoint copies live unless configured: one folder per database, so logs never mix. */
export interface AuditPaths {
  /** The log's name: the checkpoint origin and the key name. */
  origin: string;
  signingKeyFile: string;
  verifierKeyFile: string;
  checkpointDir: string;
}

export interface AuditPathSettings {
  AUDIT_DIR: string;
  AUDIT_SIGNING_KEY_FILE?: string | undefined;
  AUDIT_CHECKPOINT_DIR?: string | undefined;
}

export function auditPaths(settings: AuditPathSettings, database: string): AuditPaths {
  const home = join(settings.AUDIT_DIR, database);
  return {
    origin: `modelship.local/audit/${database}`,
    signingKeyFile: settings.AUDIT_SIGNING_KEY_FILE ?? join(home, 'signing.key'),
    verifierKeyFile: join(home, 'verifier.key'),
    checkpointDir: settings.AUDIT_CHECKPOINT_DIR ?? join(home, 'checkpoints'),
  };
}

export function readSigner(file: string): NoteSigner {
  return parseSignerKey(readFileSync(file, 'utf8'));
}

/**
 * The local stack's signer: read from its file, or made on first use. Two processes starting together may both make
 * one; each writes its key aside and links it into place, which succeeds for one of them only, so the other reads
 * the winner's whole key, never a half-written file.
 */
export function localSigner(paths: AuditPaths): NoteSigner {
  if (!existsSync(paths.signingKeyFile)) {
    const { skey, vkey } = generateNoteKeys(paths.origin);
    mkdirSync(dirname(paths.signingKeyFile), { recursive: true });
    const aside = `${paths.signingKeyFile}.${process.pid}.tmp`;
    writeFileSync(aside, `${skey}\n`, { mode: 0o600 });
    try {
      linkSync(aside, paths.signingKeyFile);
      writeFileAtomically(paths.verifierKeyFile, `${vkey}\n`);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    } finally {
      rmSync(aside, { force: true });
    }
  }
  const signer = readSigner(paths.signingKeyFile);
  // The winner may not have written the verifier key yet, or died before it: it follows from the signing key.
  if (!existsSync(paths.verifierKeyFile)) writeFileAtomically(paths.verifierKeyFile, `${signer.vkey}\n`);
  return signer;
}

function writeFileAtomically(path: string, text: string): void {
  const aside = `${path}.${process.pid}.tmp`;
  writeFileSync(aside, text, { mode: 0o644 });
  renameSync(aside, path);
}

/** A verifier key given as the key itself or as a file holding it. */
export function readVerifier(keyOrFile: string): NoteVerifier {
  const text = existsSync(keyOrFile) ? readFileSync(keyOrFile, 'utf8') : keyOrFile;
  return parseVerifierKey(text);
}
