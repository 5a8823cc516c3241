import type { ScenarioEvidence } from '../contracts/evidence';
import { validationGateSchema, type ScenarioGate } from '../contracts/pipeline-spec';
import { buildHeldOut, createScorer, evaluate, type Artifact, type Interactions } from '../models';
import { gatePasses } from './checks';
import { countBy } from './counts';
import { unknownUserCheck } from './fallback';
import { latencyCheck } from './latency';
import { shadowCheck } from './shadow';
import { sliceChecks } from './slices';

export type { ScenarioGate };

export interface RunScenariosInput {
  candidate: Artifact;
  champion: Artifact | null;
  train: Interactions;
  validation: Interactions;
  gate: ScenarioGate;
  /** Cut-off of every top-k list; the scenario gate has none of its own, so pass the validation gate's k. */
  k?: number;
}

const DEFAULT_K = validationGateSchema.parse(undefined).k;

/** Behaviour checks beyond average metrics: user slices, unknown users, latency, and agreement with the champion. */
export function runScenarios(input: RunScenariosInput): ScenarioEvidence {
  const { gate } = input;
  const k = input.k ?? DEFAULT_K;
  const heldOut = buildHeldOut(input.train, input.validation);
  const scorer = createScorer(input.candidate);
  const report = evaluate(scorer, heldOut, { k, excludeSeen: true });

  const checks = [
    ...sliceChecks(report, countBy(input.train.users), gate),
    unknownUserCheck(input.candidate, scorer, k),
    latencyCheck(scorer, heldOut, k, gate),
    shadowCheck(scorer, input.champion && createScorer(input.champion), heldOut, k, gate),
  ];
  return { gate: 'scenarios', pass: gatePasses(checks), k, checks };
}
