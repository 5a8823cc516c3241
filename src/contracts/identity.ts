import { z } from 'zod';
import { sha256Schema } from './primitives';

/** What a person may do, per model: submit pipelines, decide on them, act on their rollouts, or manage people. */
export const ROLES = ['submitter', 'approver', 'operator', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** Everything a person can sign: a pipeline start, a decision, an operator action, or a change to who may do what. */
export const SIGNED_ACTIONS = ['start', 'approve', 'reject', 'pause', 'resume', 'promote', 'abort', 'rollback', 'people'] as const;
export type SignedAction = (typeof SIGNED_ACTIONS)[number];

/** The role each signed action needs. */
export const ROLE_OF: Record<SignedAction, Role> = {
  start: 'submitter',
  approve: 'approver',
  reject: 'approver',
  pause: 'operator',
  resume: 'operator',
  promote: 'operator',
  abort: 'operator',
  rollback: 'operator',
  people: 'admin',
};

export const FINGERPRINT_PATTERN = /^SHA256:[A-Za-z0-9+/]{43}$/;

/**
 * The proof that travels with a start, a decision or an action. The pipeline, model, version, action and comment are
 * not repeated: the verifier takes them from where the signature arrives, so a signature for one cannot count for
 * another.
 */
export const signatureSchema = z
  .object({
    signer: z.string().trim().min(1, 'must name who signed').max(100, 'must be at most 100 characters'),
    fingerprint: z.string().regex(FINGERPRINT_PATTERN, 'must be a key fingerprint SHA256:<43 base64 characters>'),
    artifactSha256: sha256Schema,
    at: z.iso.datetime({ offset: true, message: 'must be an ISO time, e.g. 2026-01-31T12:00:00Z' }),
    nonce: z.string().regex(/^[0-9a-f]{32}$/, 'must be 32 lowercase hex digits'),
    value: z.string().regex(/^[A-Za-z0-9+/]{86}==$/, 'must be a base64 Ed25519 signature (88 characters)'),
  })
  .strict();
export type Signature = z.infer<typeof signatureSchema>;

/** The exact fields an Ed25519 signature covers, in the order they are serialised. */
export interface SignedFields {
  pipelineId: string;
  model: string;
  version: string;
  artifactSha256: string;
  action: SignedAction;
  comment: string;
  at: string;
  nonce: string;
  signer: string;
}

/** What the workflow asks before it counts a start, a decision or an action. */
export interface IdentityRequest {
  pipelineId: string;
  model: string;
  version: string;
  action: SignedAction;
  comment: string;
  /** The name the message gives; a signature must be by this person. */
  claimed: string;
  signature: Signature;
  /** Names this use of the signature: a retried check finds its own earlier verdict, not a replay. */
  useKey: string;
}

/** A proven identity, with what anyone needs to check the signature again later. */
export interface ProvenIdentity {
  verified: true;
  signer: string;
  fingerprint: string;
  /** The signer's Ed25519 public key, base64 of its 32 raw bytes. */
  publicKey: string;
  signed: SignedFields;
  value: string;
}

export type IdentityVerdict = ProvenIdentity | { verified: false; reason: string };
