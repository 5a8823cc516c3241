import { artifactSha256 } from '../models';
import type { Registry } from './registry';
import type { ModelVersion, RegisterVersionInput } from './schemas';

export interface RegisterArtifactInput extends Omit<RegisterVersionInput, 'artifact'> {
  bytes: Buffer;
}

/** Uploads an artifact's bytes (content-addressed, checksummed) and registers the version that points at them. */
export async function registerArtifact(registry: Registry, input: RegisterArtifactInput): Promise<ModelVersion> {
  const { bytes, ...rest } = input;
  const sha256 = artifactSha256(bytes);
  const stored = await registry.artifacts.put(bytes, { sha256 });
  return registry.registerVersion({ ...rest, artifact: { fileId: stored.id, sha256 } });
}

/** Uploads a dataset's bytes and returns the sha256 a pipeline spec names it by. */
export async function uploadDataset(registry: Registry, bytes: Buffer): Promise<string> {
  const sha256 = artifactSha256(bytes);
  await registry.datasets.put(bytes, { sha256 });
  return sha256;
}
