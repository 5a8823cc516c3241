import type { MonitoringPolicy } from '../contracts/model-policy';
import type { PopulationDrift } from '../contracts/monitoring';
import { psi, type Interactions } from '../models';

/** Interactions per training user: what each user looked like to the model when it was trained. */
export function trainingActivity(train: Interactions): Map<number, number> {
  const counts = new Map<number, number>();
  for (const u of train.users) counts.set(u, (counts.get(u) ?? 0) + 1);
  return counts;
}

/**
 * Compares who is being served with who the model was trained on. Each sampled request stands for its user: users the
 * training data never saw make up the cold share; the known ones are compared by their training activity against the
 * training users (one value per user) with PSI at the reference's deciles.
 */
export function populationDrift(activity: ReadonlyMap<number, number>, sampledUsers: readonly number[], policy: MonitoringPolicy['drift']): PopulationDrift {
  const samples = sampledUsers.length;
  if (samples < policy.minSamples) {
    return { samples, coldShare: null, psi: null, verdict: 'insufficient_data', reasons: [`${samples} sampled requests, fewer than the ${policy.minSamples} needed`] };
  }
  const known: number[] = [];
  for (const u of sampledUsers) {
    const n = activity.get(u);
    if (n !== undefined) known.push(n);
  }
  const coldShare = (samples - known.length) / samples;
  const value = known.length >= policy.minSamples / 2 ? psi([...activity.values()], known) : null;
  const reasons: string[] = [];
  if (coldShare > policy.maxColdShare) reasons.push(`cold_share ${coldShare.toFixed(3)} above ${policy.maxColdShare}`);
  if (value !== null && value > policy.maxPsi) reasons.push(`population_psi ${value.toFixed(3)} above ${policy.maxPsi}`);
  return { samples, coldShare, psi: value, verdict: reasons.length ? 'drift' : 'pass', reasons };
}
