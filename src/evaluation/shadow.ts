import type { Check } from '../contracts/evidence';
import { rankingMetricsAtK, type HeldOutUser, type Ranker } from '../models';
import { judged, skipped } from './checks';
import { num, pct, signedPct } from './format';
import type { ScenarioGate } from '../contracts/pipeline-spec';

/**
 * Replays the held-out users against candidate and champion side by side: how much the two top-k
 * lists agree (a candidate recommending something entirely different deserves a closer look even
 * when its offline metrics hold) and how much NDCG the candidate gives up on this traffic.
 */
export async function shadowCheck(candidate: Ranker, champion: Ranker | null, heldOut: readonly HeldOutUser[], k: number, gate: ScenarioGate): Promise<Check> {
  const thresholds = { minShadowOverlap: gate.minShadowOverlap, maxShadowNdcgDrop: gate.maxShadowNdcgDrop };
  const what = 'shadow comparison with the champion';
  if (!champion) return skipped('shadow', what, 'no champion yet', thresholds);
  if (heldOut.length === 0) return skipped('shadow', what, 'no held-out users to replay', thresholds);

  let overlapSum = 0;
  let candidateSum = 0;
  let championSum = 0;
  for (const user of heldOut) {
    const options = { exclude: user.seen };
    const a = (await candidate.topK(user.userId, k, options)).items;
    const b = (await champion.topK(user.userId, k, options)).items;
    const inA = new Set(a);
    overlapSum += b.filter((item) => inA.has(item)).length / k;
    const relevant = new Set(user.relevant);
    candidateSum += rankingMetricsAtK(a, relevant, k)!.ndcg;
    championSum += rankingMetricsAtK(b, relevant, k)!.ndcg;
  }
  const users = heldOut.length;
  const overlap = overlapSum / users;
  const candidateNdcg = candidateSum / users;
  const championNdcg = championSum / users;
  // A champion at NDCG 0 cannot be lost against.
  const relativeNdcgDrop = championNdcg > 0 ? (championNdcg - candidateNdcg) / championNdcg : 0;
  const overlapOk = overlap >= gate.minShadowOverlap;
  const ndcgOk = relativeNdcgDrop <= gate.maxShadowNdcgDrop;

  const overlapText = `overlap@${k} ${num(overlap)} ${overlapOk ? '≥' : '<'} ${num(gate.minShadowOverlap)}`;
  const ndcgText =
    `NDCG@${k} ${num(candidateNdcg)} vs champion ${num(championNdcg)} (${signedPct(-relativeNdcgDrop)}), ` +
    `${ndcgOk ? 'within' : 'drops more than'} the ${pct(gate.maxShadowNdcgDrop)} allowed`;
  return judged(
    'shadow',
    overlapOk && ndcgOk,
    { users, overlap, candidateNdcg, championNdcg, ndcgDelta: candidateNdcg - championNdcg, relativeNdcgDrop },
    thresholds,
    `shadow replay of ${users} users: ${overlapText}; ${ndcgText}`,
  );
}
