import { versionMetadataSchema } from '../registry/schemas';
import { describeIssues } from '../validation/issues';
import { usageError } from './exit-codes';

/** The flag that sets each metadata field, so an error names what the person typed. */
/** Metadata travels in the version document, workflow inputs and audit events: it describes a model, it does not carry one. */
export const METADATA_MAX_BYTES = 256 * 1024;

const FLAGS: Record<string, string> = {
  trainingDataVersion: '--training-data-version',
  codeVersion: '--code-version',
  hyperparameters: '--hyperparameters',
  metrics: '--metric',
  description: '--description',
};

/**
 * Checks a version's metadata as the registry will, before anything is stored. Each problem names the flag that set
 * the field, or the field inside the --metadata file; `fromFlags` lists the fields the flags set.
 */
export function checkMetadata(metadata: Record<string, unknown>, fromFlags: ReadonlySet<string>, metadataFile?: string): void {
  const parsed = versionMetadataSchema.safeParse(metadata);
  // Measured only once the schema has bounded its depth, so serialising it cannot overflow the stack.
  if (parsed.success) return checkSize(metadata, fromFlags, metadataFile);
  const problems = describeIssues(parsed.error, 'the metadata').map(({ field, rule }) => {
    const top = field.split(/[.[]/)[0];
    const rest = field.slice(top.length);
    if (fromFlags.has(top) || !metadataFile) return `${FLAGS[top] ?? field}${rest ? ` (at ${rest.replace(/^\./, '')})` : ''}: ${top === 'trainingDataVersion' && rule === 'is required' ? 'is required: pass --training-data-version, or --train-data to use its sha256' : rule}`;
    return `--metadata ${metadataFile}: ${field}: ${rule}`;
  });
  throw usageError(problems.join('\n'));
}

function checkSize(metadata: Record<string, unknown>, fromFlags: ReadonlySet<string>, metadataFile?: string): void {
  const size = Buffer.byteLength(JSON.stringify(metadata));
  if (size <= METADATA_MAX_BYTES) return;
  const where = [...(metadataFile ? [`--metadata ${metadataFile}`] : []), ...[...fromFlags].map((f) => FLAGS[f])].join(', ');
  throw usageError(`${where}: the metadata is ${size} bytes as JSON; it may be at most ${METADATA_MAX_BYTES} bytes (256 KiB)`);
}
