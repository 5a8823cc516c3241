import { ArtifactFormatError } from './errors';
import type { ArtifactMetadata, FaultSettings } from './format';

/**
 * Metadata is serialised with sorted keys so that the same model always yields the same bytes, and
 * therefore the same sha256: the pipeline uses that hash as the artifact's identity.
 */
export function canonicalJson(value: unknown, path = 'metadata'): string {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return JSON.stringify(value);
  if (typeof value === 'number') {
    // JSON.stringify would silently turn these into null and break the round trip.
    if (!Number.isFinite(value)) throw new ArtifactFormatError('bad_metadata', `${path} is not a finite number`);
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) {
    return `[${value.map((v, i) => canonicalJson(v, `${path}[${i}]`)).join(',')}]`;
  }
  if (typeof value === 'object') {
    const entries = Object.keys(value as object)
      .sort()
      .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
      .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key], `${path}.${key}`)}`);
    return `{${entries.join(',')}}`;
  }
  throw new ArtifactFormatError('bad_metadata', `${path} has type ${typeof value}, which JSON cannot carry`);
}

export function encodeMetadata(metadata: ArtifactMetadata): Buffer {
  validateFaults(metadata.faults);
  return Buffer.from(canonicalJson(metadata), 'utf8');
}

export function decodeMetadata(bytes: Buffer): ArtifactMetadata {
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString('utf8'));
  } catch (err) {
    throw new ArtifactFormatError('bad_metadata', `metadata is not valid JSON (${(err as Error).message})`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ArtifactFormatError('bad_metadata', 'metadata must be a JSON object');
  }
  const metadata = parsed as ArtifactMetadata;
  validateFaults(metadata.faults);
  return metadata;
}

function validateFaults(faults: unknown): asserts faults is FaultSettings | undefined {
  if (faults === undefined) return;
  if (faults === null || typeof faults !== 'object' || Array.isArray(faults)) {
    throw new ArtifactFormatError('bad_metadata', 'metadata.faults must be an object');
  }
  const { addedLatencyMs, failureRate, failAfterRequests, shuffleItemFactors, shuffledItemShare } = faults as Record<string, unknown>;
  if (addedLatencyMs !== undefined && !(typeof addedLatencyMs === 'number' && addedLatencyMs >= 0 && Number.isFinite(addedLatencyMs))) {
    throw new ArtifactFormatError('bad_metadata', 'metadata.faults.addedLatencyMs must be a finite number >= 0');
  }
  if (failureRate !== undefined && !(typeof failureRate === 'number' && failureRate >= 0 && failureRate <= 1)) {
    throw new ArtifactFormatError('bad_metadata', 'metadata.faults.failureRate must be a number in [0, 1]');
  }
  if (failAfterRequests !== undefined && !(typeof failAfterRequests === 'number' && Number.isInteger(failAfterRequests) && failAfterRequests >= 0)) {
    throw new ArtifactFormatError('bad_metadata', 'metadata.faults.failAfterRequests must be a whole number >= 0');
  }
  if (shuffleItemFactors !== undefined && typeof shuffleItemFactors !== 'boolean') {
    throw new ArtifactFormatError('bad_metadata', 'metadata.faults.shuffleItemFactors must be a boolean');
  }
  if (shuffledItemShare !== undefined && !(typeof shuffledItemShare === 'number' && shuffledItemShare >= 0 && shuffledItemShare <= 1)) {
    throw new ArtifactFormatError('bad_metadata', 'metadata.faults.shuffledItemShare must be a number in [0, 1]');
  }
}
