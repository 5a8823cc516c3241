import { artifactSha256, encodeArtifact, generateSynthetic, trainAls, type TrainingFaults } from '../../src/models';

const data = generateSynthetic({ users: 400, items: 600, seed: 7 });

/** Small real models trained on synthetic data: the same code path as production artifacts, in well under a second. */
export function trainSmallModel(seed: number, faults?: TrainingFaults): { bytes: Buffer; sha256: string } {
  const bytes = encodeArtifact(trainAls(data, { factors: 8, iterations: 3, seed, faults }));
  return { bytes, sha256: artifactSha256(bytes) };
}

export const syntheticUsers = (): number[] => [...new Set(data.users)].sort((a, b) => a - b);
