import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { KeyObject } from 'node:crypto';
import type { Env } from '../config/schema';
import type { Signature, SignedAction } from '../contracts/identity';
import { pipelineWorkflowId } from '../contracts/pipeline-spec';
import { KeyFormatError, readPrivateKey } from '../identity/keys';
import { signAction } from '../identity/signed-fields';
import type { Registry } from '../registry';
import { failure, usageError } from './exit-codes';

export function keysDir(env: Env): string {
  return join(env.MODELSHIP_HOME ?? join(homedir(), '.modelship'), 'keys');
}

/**
 * The key a person signs with: MODELSHIP_KEY when set, else their key under MODELSHIP_HOME; null when they have none,
 * and the message goes unsigned (a pipeline that requires signatures refuses it, saying so).
 */
export function signingKey(env: Env, name: string): KeyObject | null {
  const path = env.MODELSHIP_KEY ?? join(keysDir(env), `${name}.key`);
  if (!existsSync(path)) {
    if (env.MODELSHIP_KEY) throw usageError(`MODELSHIP_KEY: no file ${path}`);
    return null;
  }
  try {
    return readPrivateKey(readFileSync(path, 'utf8'));
  } catch (err) {
    if (err instanceof KeyFormatError) throw usageError(`${env.MODELSHIP_KEY ? 'MODELSHIP_KEY' : 'key'} ${path}: ${err.message}`);
    throw err;
  }
}

export interface SigningRequest {
  model: string;
  version: string;
  action: SignedAction;
  comment: string;
  signer: string;
  /** The workflow the signature is for; a version's pipeline by default. */
  pipelineId?: string;
}

/** Signs a start, decision or action of a registered version; undefined when the signer has no key. */
export async function signFor(env: Env, registry: Registry, req: SigningRequest): Promise<Signature | undefined> {
  const key = signingKey(env, req.signer);
  if (!key) return undefined;
  const found = await registry.getVersion(req.model, req.version);
  if (!found) throw failure(`${req.model}@${req.version} is not registered`);
  const { model, version, action, comment, signer } = req;
  return signAction({ model, version, action, comment, signer, pipelineId: req.pipelineId ?? pipelineWorkflowId(model, version), artifactSha256: found.artifact.sha256 }, key);
}
