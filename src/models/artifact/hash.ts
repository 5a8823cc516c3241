import { createHash } from 'node:crypto';

/** The artifact's identity: hex sha256 over the exact bytes, header and metadata included. */
export function artifactSha256(buf: Buffer): string {
  return createHash('sha256').update(buf).digest('hex');
}
