import type { Check, QualityEvidence } from '../contracts/evidence';
import type { QualityGate } from '../contracts/pipeline-spec';
import { checkIdCoverage, type Interactions, type Ranker } from '../models';
import { gatePasses, judged, skipped } from './checks';
import { driftChecks, skippedDriftChecks } from './drift';
import { pct } from './format';
import { auditDataset } from './integrity';

export type { QualityGate };

export interface CheckQualityInput {
  candidate: Pick<Ranker, 'itemIds'>;
  /** What the candidate was trained on: the reference for drift. */
  train: Interactions;
  /** Recent production interactions (the validation data when there are none). */
  recent: Interactions;
  gate: QualityGate;
}

/** Data quality: integrity of both datasets, the candidate's coverage of today's items, and drift since training. */
export function checkQuality(input: CheckQualityInput): QualityEvidence {
  const { gate } = input;
  const train = auditDataset('train', input.train, gate);
  const recent = auditDataset('recent', input.recent, gate);
  const unusable = train.unusableReason ?? recent.unusableReason;

  const checks = [
    ...train.checks,
    ...recent.checks,
    recent.unusableReason
      ? skipped('id_coverage', 'item id coverage', recent.unusableReason, { minIdCoverage: gate.minIdCoverage })
      : coverageCheck(input.candidate, input.recent, gate),
    ...(unusable ? skippedDriftChecks(unusable, gate) : driftChecks(input.train, input.recent, gate)),
  ];
  return {
    gate: 'quality',
    pass: gatePasses(checks),
    datasets: { train: train.profile, recent: recent.profile },
    checks,
  };
}

/** Items people interact with now that the model cannot score can never be recommended. */
function coverageCheck(candidate: Pick<Ranker, 'itemIds'>, recent: Interactions, gate: QualityGate): Check {
  const coverage = checkIdCoverage(candidate.itemIds, recent.items);
  const known = new Set(candidate.itemIds);
  let knownRows = 0;
  for (const item of recent.items) if (known.has(item)) knownRows++;
  const interactionShare = knownRows / recent.items.length;
  const share = coverage.catalogueKnownByModel;
  const pass = share >= gate.minIdCoverage;
  return judged(
    'id_coverage',
    pass,
    {
      recentItems: coverage.catalogueItems,
      knownItems: coverage.shared,
      share,
      interactionShare,
      modelItemsInRecent: coverage.modelKnownByCatalogue,
    },
    { minIdCoverage: gate.minIdCoverage },
    `the model knows ${coverage.shared} of ${coverage.catalogueItems} items seen in recent data (${pct(share)} ${pass ? '≥' : '<'} ${pct(gate.minIdCoverage)}), ` +
      `${pct(interactionShare)} of recent interactions`,
  );
}
