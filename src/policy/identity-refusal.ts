import type { IdentityVerdict } from '../contracts/identity';

/**
 * Why who sent a message is not proven enough for it to count, or null: a signature that failed its check, or none
 * where the pipeline requires one.
 */
export function identityRefusal(identity: IdentityVerdict | null | undefined, requireSignatures: boolean, what: string): string | null {
  if (identity) return identity.verified ? null : identity.reason;
  if (!requireSignatures) return null;
  return `unsigned: this pipeline counts only signed ${what}s (approval.requireSignatures); send it with the modelship CLI and your key (docs/identity.md)`;
}
