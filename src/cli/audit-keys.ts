import { existsSync } from 'node:fs';
import { auditPaths, localSigner, readSigner, readVerifier, type AuditPaths, type NoteSigner, type NoteVerifier } from '../audit';
import type { CliContext } from './context';
import { usageError } from './exit-codes';

export function pathsOf(ctx: CliContext): AuditPaths {
  const env = ctx.env();
  return auditPaths(env, env.MONGODB_DB);
}

/** The verifier key: --key, else AUDIT_VERIFIER_KEY, else the local log's verifier file; undefined if none is found. */
export function findVerifier(ctx: CliContext, key?: string): NoteVerifier | undefined {
  const given = key ?? ctx.env().AUDIT_VERIFIER_KEY;
  const source = key ? '--key' : 'AUDIT_VERIFIER_KEY';
  if (given) {
    try {
      return readVerifier(given);
    } catch (error) {
      throw usageError(`${source}: ${(error as Error).message}`);
    }
  }
  const local = pathsOf(ctx).verifierKeyFile;
  return existsSync(local) ? readVerifier(local) : undefined;
}

export function requireVerifier(ctx: CliContext, key?: string): NoteVerifier {
  const verifier = findVerifier(ctx, key);
  if (!verifier) throw usageError('no verifier key: pass --key <name+id+key> or set AUDIT_VERIFIER_KEY');
  return verifier;
}

/** The signing key for an on-demand checkpoint: AUDIT_SIGNING_KEY_FILE, else the local log's key. */
export function signerOf(ctx: CliContext): NoteSigner {
  const file = ctx.env().AUDIT_SIGNING_KEY_FILE;
  return file ? readSigner(file) : localSigner(pathsOf(ctx));
}
