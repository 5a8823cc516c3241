import type { Check } from '../contracts/evidence';
import type { EvaluationReport } from '../models';
import { judged, skipped } from './checks';
import { num } from './format';
import type { ScenarioGate } from '../contracts/pipeline-spec';

/** Below this many users a slice's mean NDCG is mostly noise: one lucky hit moves it by 0.1 or more. */
export const MIN_SLICE_USERS = 5;

/** Cold-start and heavy users must each reach a share of the candidate's overall NDCG. */
export function sliceChecks(report: EvaluationReport, trainCounts: ReadonlyMap<number, number>, gate: ScenarioGate): Check[] {
  const history = (userId: number) => trainCounts.get(userId) ?? 0;
  return [
    sliceCheck(report, gate, {
      name: 'cold_start_slice',
      label: `cold-start users (≤ ${gate.coldStartMaxInteractions} train interactions)`,
      member: (userId) => history(userId) <= gate.coldStartMaxInteractions,
      bound: { maxTrainInteractions: gate.coldStartMaxInteractions },
    }),
    sliceCheck(report, gate, {
      name: 'heavy_user_slice',
      label: `heavy users (≥ ${gate.heavyUserMinInteractions} train interactions)`,
      member: (userId) => history(userId) >= gate.heavyUserMinInteractions,
      bound: { minTrainInteractions: gate.heavyUserMinInteractions },
    }),
  ];
}

interface Slice {
  name: string;
  label: string;
  member: (userId: number) => boolean;
  bound: Record<string, number>;
}

function sliceCheck(report: EvaluationReport, gate: ScenarioGate, slice: Slice): Check {
  const thresholds = { ...slice.bound, minSliceNdcgRatio: gate.minSliceNdcgRatio, minUsers: MIN_SLICE_USERS };
  const members = report.perUser.filter((u) => slice.member(u.userId));
  if (members.length < MIN_SLICE_USERS) {
    return skipped(slice.name, slice.label, `only ${members.length} held-out users in the slice, fewer than ${MIN_SLICE_USERS}`, thresholds, {
      users: members.length,
    });
  }
  const ndcg = members.reduce((sum, u) => sum + u.ndcg, 0) / members.length;
  const overall = report.ndcg;
  const required = gate.minSliceNdcgRatio * overall;
  const ratio = overall > 0 ? ndcg / overall : null;
  const pass = ndcg >= required;
  return judged(
    slice.name,
    pass,
    { users: members.length, ndcg, overallNdcg: overall, ratio, required },
    thresholds,
    `${slice.label}, ${members.length} users: NDCG@${report.k} ${num(ndcg)} = ${num(ratio)} × overall ${num(overall)}, ` +
      `${pass ? 'reaches' : 'below'} the ${num(gate.minSliceNdcgRatio)} × floor`,
  );
}
