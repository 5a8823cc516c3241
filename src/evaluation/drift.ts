import type { Check } from '../contracts/evidence';
import { DRIFT_THRESHOLDS, jsDivergence, ksTwoSample, psi, type Interactions } from '../models';
import { judged, skipped } from './checks';
import { countBy } from './counts';
import { num } from './format';
import type { QualityGate } from '../contracts/pipeline-spec';

/**
 * Both the user and the item feature are measured on the training data's scale (train interactions
 * per user, per item), looked up for whoever and whatever appears in each dataset. Counts taken
 * inside the recent window itself would drift with the window's length alone, and a per-user
 * hold-out (the validation data) gives every user the same count by construction.
 */
const FEATURES = {
  rating: 'rating',
  user_activity: 'train interactions per active user',
  item_popularity: 'train popularity of interacted items',
} as const;
type FeatureKey = keyof typeof FEATURES;
const FEATURE_KEYS = Object.keys(FEATURES) as FeatureKey[];
const STATISTICS = ['psi', 'ks', 'js'] as const;
type Statistic = (typeof STATISTICS)[number];

/** PSI, KS and JS between train and recent data for each feature; each statistic is its own check. */
export function driftChecks(train: Interactions, recent: Interactions, gate: QualityGate): Check[] {
  const userCounts = countBy(train.users);
  const itemCounts = countBy(train.items);
  const samples: Record<FeatureKey, [Float64Array, Float64Array]> = {
    rating: [finite(train.ratings), finite(recent.ratings)],
    // One value per distinct user; users new since training count 0, so a wave of them shows up.
    user_activity: [Float64Array.from(userCounts.values()), Float64Array.from(new Set(recent.users), (u) => userCounts.get(u) ?? 0)],
    // One value per interaction. Raw item shares of two samples of different sizes would differ by
    // sampling noise alone; the popularity of what people interact with is comparable at any size.
    item_popularity: [Float64Array.from(train.items, (i) => itemCounts.get(i) ?? 0), Float64Array.from(recent.items, (i) => itemCounts.get(i) ?? 0)],
  };
  return FEATURE_KEYS.flatMap((key) => {
    const [reference, current] = samples[key];
    if (reference.length === 0 || current.length === 0) {
      // Only ratings can come out empty from non-empty data: every one of them was NaN or infinite.
      return skippedFeature(key, `no finite values in the ${reference.length === 0 ? 'train' : 'recent'} data`, gate);
    }
    return measuredFeature(key, reference, current, gate);
  });
}

/** The same checks, all skipped, when the datasets cannot be compared at all. */
export function skippedDriftChecks(reason: string, gate: QualityGate): Check[] {
  return FEATURE_KEYS.flatMap((key) => skippedFeature(key, reason, gate));
}

function skippedFeature(key: FeatureKey, reason: string, gate: QualityGate): Check[] {
  return STATISTICS.map((stat) => skipped(`drift_${key}_${stat}`, `${FEATURES[key]} ${stat.toUpperCase()}`, reason, thresholdsFor(stat, gate)));
}

/** The toolkit's driftReport rules (docs/drift.md) with the gate's limits. */
function measuredFeature(key: FeatureKey, reference: Float64Array, current: Float64Array, gate: QualityGate): Check[] {
  const label = FEATURES[key];
  const sizes = { referenceSize: reference.length, currentSize: current.length };
  const p = psi(reference, current);
  const ks = ksTwoSample(reference, current);
  const js = jsDivergence(reference, current);
  const psiDrift = p > gate.maxPsi;
  const ksLarge = ks.statistic > gate.maxKs;
  const ksSignificant = ks.pValue < DRIFT_THRESHOLDS.ksPValue;
  const jsDrift = js > gate.maxJs;
  return [
    judged(`drift_${key}_psi`, !psiDrift, { psi: p, ...sizes }, thresholdsFor('psi', gate), `${label}: PSI ${num(p)} ${psiDrift ? '>' : '≤'} ${num(gate.maxPsi)}`),
    judged(
      `drift_${key}_ks`,
      !(ksLarge && ksSignificant),
      { statistic: ks.statistic, pValue: ks.pValue, ...sizes },
      thresholdsFor('ks', gate),
      `${label}: KS D ${num(ks.statistic)} ${ksLarge ? '>' : '≤'} ${num(gate.maxKs)}, p ${num(ks.pValue)}` +
        (ksLarge && !ksSignificant ? `, not significant (p ≥ ${DRIFT_THRESHOLDS.ksPValue})` : ''),
    ),
    judged(`drift_${key}_js`, !jsDrift, { js, ...sizes }, thresholdsFor('js', gate), `${label}: JS ${num(js)} bits ${jsDrift ? '>' : '≤'} ${num(gate.maxJs)}`),
  ];
}

/** KS also needs significance, for which the pipeline spec has no knob, so the toolkit default applies. */
function thresholdsFor(stat: Statistic, gate: QualityGate): Record<string, number> {
  if (stat === 'psi') return { maxPsi: gate.maxPsi };
  if (stat === 'ks') return { maxKs: gate.maxKs, maxPValue: DRIFT_THRESHOLDS.ksPValue };
  return { maxJs: gate.maxJs };
}

function finite(values: Float32Array): Float64Array {
  return Float64Array.from(values.filter((v) => Number.isFinite(v)));
}
