import { ONNX_METADATA, type CarriedProvenance } from '../models';
import { usageError } from './exit-codes';

const FIELDS = [
  { field: 'trainingDataVersion', key: ONNX_METADATA.trainingDataVersion, flag: '--training-data-version' },
  { field: 'codeVersion', key: ONNX_METADATA.codeVersion, flag: '--code-version' },
] as const;

/**
 * A version's metadata takes the provenance its model carries where the person gave none. Where both say something
 * they must agree: the registry would otherwise contradict the model it holds.
 */
export function adoptProvenance(metadata: Record<string, unknown>, carried: CarriedProvenance, fromFlags: ReadonlySet<string>, metadataFile?: string): void {
  for (const { field, key, flag } of FIELDS) {
    const says = carried[field];
    if (says === undefined) continue;
    const given = metadata[field];
    if (given === undefined) {
      metadata[field] = says;
      continue;
    }
    if (given === says) continue;
    const where = fromFlags.has(field) || !metadataFile ? flag : `--metadata ${metadataFile}: ${field}`;
    throw usageError(`${where}: is ${JSON.stringify(given)}, but the model's ${key} says ${JSON.stringify(says)}; give the same, or leave it out to take the model's`);
  }
}
