/** Public face of the recommendation-model toolkit: pure TypeScript, no Temporal, no MongoDB. */

export { ArtifactFormatError, type ArtifactErrorReason } from './artifact/errors';
export {
  FORMAT_VERSION,
  type Artifact,
  type ArtifactMetadata,
  type EmbeddingArtifact,
  type FaultSettings,
  type PopularityArtifact,
} from './artifact/format';
export { encodeArtifact } from './artifact/encode';
export { loadArtifact } from './artifact/load';
export { artifactSha256 } from './artifact/hash';

export { createScorer, type Scorer, type TopKOptions, type TopKResult } from './scoring/scorer';
export { DEFAULT_MODEL_RUNTIME, typescriptRanker, type ModelRuntime, type Ranker, type RankSource } from './scoring/ranker';
export { loadModel } from './load-model';
export { cpuWork, measuredAlone } from './scoring/measured-alone';
export { embeddingAsOnnx } from './onnx/embedding-graph';
export { readOnnxModel, type OnnxModel } from './onnx/onnx-model';
export { carriedProvenance, type CarriedProvenance } from './onnx/provenance';
export { ONNX_INPUTS, ONNX_METADATA, ONNX_OUTPUTS } from './onnx/contract';
export { createFaultInjector, type FaultDecision } from './scoring/faults';

export { type Interactions, selectRows } from './data/interactions';
export {
  DatasetFormatError,
  MOVIELENS_HEADER,
  readMovieLensCsv,
  type ReadMovieLensOptions,
  type ReadMovieLensResult,
} from './data/movielens';
export { globalTimeSplit, leaveLastNSplit, type Split, type TimeCut } from './data/split';
export { buildHeldOut, type HeldOutOptions, type HeldOutUser } from './data/heldout';
export { generateSynthetic, toCsvBytes, writeCsv, type SyntheticOptions } from './data/synthetic';
export { loadRatingsOrSynthetic, type RatingsSource } from './data/source';

export { ALS_DEFAULTS, trainAls, type AlsOptions, type TrainingFaults } from './training/als';
export { itemPopularity, trainPopularity, type PopularityOptions } from './training/popularity';
export { mulberry32, type Rng } from './prng';

export { rankingMetricsAtK, type RankingMetrics } from './metrics/ranking';
export { pairedBootstrap, type PairedDifference } from './metrics/bootstrap';
export { evaluate, type EvaluateOptions, type EvaluationReport, type UserMetrics } from './metrics/evaluate';
export {
  COMPARED_METRICS,
  compareToBaseline,
  type CompareOptions,
  type Comparison,
  type MetricName,
  type MetricSummary,
  type MetricVerdict,
  type Verdict,
} from './metrics/compare';

export { type Finding, type Severity, worstSeverity } from './quality/findings';
export { checkInteractions, type IntegrityOptions } from './quality/integrity';
export { checkIdCoverage, DEFAULT_COVERAGE_THRESHOLDS, type CoverageThresholds, type IdCoverage } from './quality/coverage';
export {
  binShares,
  DRIFT_THRESHOLDS,
  driftReport,
  jensenShannon,
  jsDivergence,
  jsDivergenceCategorical,
  psi,
  quantileEdges,
  type BinningOptions,
  type DriftReport,
} from './quality/drift';
export { kolmogorovSurvival, ksTwoSample, type KsResult } from './quality/ks';
