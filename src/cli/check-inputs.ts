import { ArtifactFormatError, DatasetFormatError, loadModel, readMovieLensCsv } from '../models';
import { usageError } from './exit-codes';

/**
 * Loads a model as the pipeline will, a modelship artifact or an ONNX model run on a probe, so a truncated, empty,
 * foreign or malformed file is refused with its reason before it is stored.
 */
export async function checkArtifact(path: string, bytes: Buffer): Promise<void> {
  try {
    await (await loadModel(bytes)).close();
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
