import type { ScenarioEvidence } from '../contracts/evidence';
import { validationGateSchema, type ScenarioGate } from '../contracts/pipeline-spec';
import { buildHeldOut, evaluate, type Interactions, type Ranker } from '../models';
import { gatePasses } from './checks';
import { countBy } from './counts';
import { unknownUserCheck } from './fallback';
import { latencyCheck } from './latency';
import { shadowCheck } from './shadow';
import { sliceChecks } from './slices';

export type { ScenarioGate };

export interface RunScenariosInput {
  candidate: Ranker;
  champion: Ranker | null;
  train: Interactions;
  validation: Interactions;
  gate: ScenarioGate;
  /** Cut-off of every top-k list; the scenario gate has none of its own, so pass the validation gate's k. */
  k?: number;
}

const DEFAULT_K = validationGateSchema.parse(undefined).k;

/** Behaviour checks beyond average metrics: user slices, unknown users, latency, and agreement with the champion. */
export async function runScenarios(input: RunScenariosInput): Promise<ScenarioEvidence> {
  const { gate } = input;
  const k = input.k ?? DEFAULT_K;
  const heldOut = buildHeldOut(input.train, input.validation);
  const report = await evaluate(input.candidate, heldOut, { k, excludeSeen: true });

  // One after another: the latency check must not share the core with the other rankings.
  const checks = [
    ...sliceChecks(report, countBy(input.train.users), gate),
    await unknownUserCheck(input.candidate, k),
    await latencyCheck(input.candidate, input.champion, heldOut, k, gate),
    await shadowCheck(input.candidate, input.champion, heldOut, k, gate),
  ];
  return { gate: 'scenarios', pass: gatePasses(checks), k, checks };
}
