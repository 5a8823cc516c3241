import type { Check, OfflineMetrics, ValidationEvidence } from '../contracts/evidence';
import type { PipelineSpec } from '../contracts/pipeline-spec';
import {
  buildHeldOut,
  compareToBaseline,
  evaluate,
  pairedBootstrap,
  type Ranker,
  type EvaluationReport,
  type Interactions,
} from '../models';
import { gatePasses, judged, skipped } from './checks';
import { num, pct, signed, signedPct } from './format';

export type ValidationGate = PipelineSpec['gates']['validation'];

export interface ValidateModelInput {
  candidate: Ranker;
  /** The model currently serving, or null before the first deployment. */
  champion: Ranker | null;
  train: Interactions;
  /** Interactions after the training period; each user's new items are what they should be recommended. */
  validation: Interactions;
  gate: ValidationGate;
}

const GATED = [
  { metric: 'ndcg', label: 'NDCG', floor: 'minNdcg' },
  { metric: 'recall', label: 'Recall', floor: 'minRecall' },
] as const;
type Gated = (typeof GATED)[number];

/**
 * Offline validation: ranks the whole catalogue for every held-out user (their training items
 * excluded), then holds the candidate to absolute floors and, once there is a champion, to at most
 * `maxRegression` relative loss on NDCG and recall against it on the same users.
 */
export async function validateModel(input: ValidateModelInput): Promise<ValidationEvidence> {
  const { gate } = input;
  const heldOut = buildHeldOut(input.train, input.validation);
  const options = { k: gate.k, excludeSeen: true };
  const candidate = await evaluate(input.candidate, heldOut, options);
  const champion = input.champion && (await evaluate(input.champion, heldOut, options));

  const checks: Check[] = [
    ...GATED.map((g) => floorCheck(g, candidate, gate)),
    ...GATED.map((g) => regressionCheck(g, candidate, champion, gate)),
  ];
  return {
    gate: 'validation',
    pass: gatePasses(checks),
    k: gate.k,
    candidate: offlineMetrics(candidate),
    champion: champion && offlineMetrics(champion),
    checks,
  };
}

function offlineMetrics(r: EvaluationReport): OfflineMetrics {
  return {
    ndcg: r.ndcg,
    recall: r.recall,
    precision: r.precision,
    map: r.map,
    hitRate: r.hitRate,
    coverage: r.coverage,
    users: r.users,
    fallbackUsers: r.fallbackUsers,
  };
}

function floorCheck(g: Gated, report: EvaluationReport, gate: ValidationGate): Check {
  const name = `${g.metric}_floor`;
  const label = `${g.label}@${gate.k}`;
  const floor = gate[g.floor];
  const value = report[g.metric];
  const thresholds = { [g.floor]: floor };
  // A model nobody could evaluate has not shown it reaches the floor, even a floor of 0.
  if (report.users === 0) {
    return judged(name, false, { [g.metric]: null, users: 0 }, thresholds, `${label}: no held-out user has a new item to evaluate against`);
  }
  const pass = value >= floor;
  return judged(
    name,
    pass,
    { [g.metric]: value, users: report.users },
    thresholds,
    `${label} ${num(value)} ${pass ? '≥' : '<'} floor ${num(floor)} (${report.users} users)`,
  );
}

function regressionCheck(g: Gated, candidate: EvaluationReport, champion: EvaluationReport | null, gate: ValidationGate): Check {
  const name = `${g.metric}_regression`;
  const label = `${g.label}@${gate.k}`;
  const thresholds = { maxRegression: gate.maxRegression };
  if (!champion) return skipped(name, `${label} vs champion`, 'no champion yet', thresholds);
  if (candidate.users === 0) return skipped(name, `${label} vs champion`, 'no held-out users to compare on', thresholds);

  const [v] = compareToBaseline(candidate, champion, { relativeTolerance: gate.maxRegression, metrics: [g.metric] }).verdicts;
  // Same users in the same order on both sides (one held-out set), so the bootstrap can pair them.
  const ci = pairedBootstrap(
    candidate.perUser.map((u) => u[g.metric]),
    champion.perUser.map((u) => u[g.metric]),
  );
  const comparison = `${label} ${num(v.candidate)} vs champion ${num(v.baseline)} (${signedPct(v.relativeDelta)}, Δ ${signed(v.delta)}, 95% CI ${signed(ci.low)}..${signed(ci.high)})`;
  return judged(
    name,
    v.pass,
    {
      candidate: v.candidate,
      champion: v.baseline,
      delta: v.delta,
      relativeDelta: v.relativeDelta,
      required: v.required,
      deltaCiLow: ci.low,
      deltaCiHigh: ci.high,
    },
    thresholds,
    v.pass
      ? `${comparison}: within the ${pct(gate.maxRegression)} allowed regression`
      : `${comparison}: regresses beyond the ${pct(gate.maxRegression)} allowed (needs ≥ ${num(v.required)})`,
  );
}
