import { versionMetadataSchema } from '../registry/schemas';
import { describeIssues } from '../validation/issues';
import { usageError } from './exit-codes';

/** The flag that sets each metadata field, so an error names what the person typed. */
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
  if (parsed.success) return;
  const problems = describeIssues(parsed.error, 'the metadata').map(({ field, rule }) => {
    const top = field.split(/[.[]/)[0];
    const rest = field.slice(top.length);
    if (fromFlags.has(top) || !metadataFile) return `${FLAGS[top] ?? field}${rest ? ` (at ${rest.replace(/^\./, '')})` : ''}: ${top === 'trainingDataVersion' && rule === 'is required' ? 'is required: pass --training-data-version, or --train-data to use its sha256' : rule}`;
    return `--metadata ${metadataFile}: ${field}: ${rule}`;
  });
  throw usageError(problems.join('\n'));
}
