import { ArtifactFormatError, DatasetFormatError, loadArtifact, readMovieLensCsv } from '../models';
import { usageError } from './exit-codes';

/** Loads an artifact as the pipeline will, so a truncated, empty or foreign file is refused before it is stored. */
export function checkArtifact(path: string, bytes: Buffer): void {
  try {
    loadArtifact(bytes);
  } catch (err) {
    if (err instanceof ArtifactFormatError) throw usageError(`artifact ${path}: not a model artifact this pipeline can load: ${err.message}`);
    throw err;
  }
}

/** Parses a dataset as the pipeline will, so a file with a bad row or no interactions is refused before it is stored. */
export async function checkDataset(flag: string, path: string, bytes: Buffer): Promise<void> {
  try {
    const { interactions } = await readMovieLensCsv(bytes);
    if (interactions.users.length === 0) throw usageError(`${flag} ${path}: holds no interactions`);
  } catch (err) {
    if (err instanceof DatasetFormatError) throw usageError(`${flag} ${path}: not a ratings CSV this pipeline can read: ${err.message}`);
    throw err;
  }
}
