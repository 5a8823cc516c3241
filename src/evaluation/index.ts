/**
 * The pipeline's offline gates as pure functions: artifacts and datasets in, plain-JSON evidence out
 * (schemas in src/contracts/evidence.ts). No I/O: activities fetch the inputs and store the evidence.
 */
export { validateModel, type ValidateModelInput, type ValidationGate } from './validate';
export { runScenarios, type RunScenariosInput, type ScenarioGate } from './scenarios';
export { MIN_SLICE_USERS } from './slices';
export { checkQuality, type CheckQualityInput, type QualityGate } from './quality';
export { summarizeEvidence } from './summary';
