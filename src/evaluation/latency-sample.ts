import { measuredAlone, type HeldOutUser, type Ranker } from '../models';

/**
 * runScenarios has already ranked every held-out user with these models (V8 needs several hundred calls to settle on
 * optimised code), so a few calls suffice to bring the sample's data into cache.
 */
const WARMUP_CALLS = 50;

/** Each model ranks each sampled user this many times; the user's latency is the fastest of them. */
export const CALLS_PER_USER = 3;

export interface LatencySample {
  /** Per sampled user, the candidate's fastest top-k in µs, sorted. */
  candidate: Float64Array;
  /** The same for the champion, ranked interleaved with the candidate; null without a champion. */
  champion: Float64Array | null;
}

/** Evenly spread over the held-out users, or cycling through them when there are fewer than n. */
export function sampleUsers(heldOut: readonly HeldOutUser[], n: number): HeldOutUser[] {
  const m = heldOut.length;
  return Array.from({ length: n }, (_, i) => heldOut[m >= n ? Math.floor((i * m) / n) : i % m]);
}

/**
 * Times both models on the same users, in the same run, interleaved: each user is ranked by both models one right
 * after the other (champion first on every other user, and the other way round on the next pass), so a stretch where
 * the machine is slow lands on both. The sample is passed over CALLS_PER_USER times, and a user's latency is the
 * fastest of its calls: the work a model does for a user is the same on every pass, while a preemption, a busy event
 * loop or a neighbour's burst would have to last the whole run to hit every pass. What is left is each model's own
 * spread over users.
 */
export async function measureInterleaved(candidate: Ranker, champion: Ranker | null, sample: readonly HeldOutUser[], k: number): Promise<LatencySample> {
  const n = sample.length;
  const cand = new Float64Array(n).fill(Infinity);
  const champ = champion ? new Float64Array(n).fill(Infinity) : null;
  const timed = async (model: Ranker, user: HeldOutUser): Promise<number> => {
    const start = performance.now();
    await model.topK(user.userId, k, { exclude: user.seen });
    return (performance.now() - start) * 1000;
  };
  // Alone: other pipelines' gates in this worker would otherwise take turns inside the timed awaits.
  await measuredAlone(async () => {
    for (let i = 0; i < WARMUP_CALLS; i++) {
      await timed(candidate, sample[i % n]);
      if (champion) await timed(champion, sample[i % n]);
    }
    for (let c = 0; c < CALLS_PER_USER; c++) {
      for (let i = 0; i < n; i++) {
        const user = sample[i];
        const championFirst = (i + c) % 2 === 1;
        if (champion && champ && championFirst) champ[i] = Math.min(champ[i], await timed(champion, user));
        cand[i] = Math.min(cand[i], await timed(candidate, user));
        if (champion && champ && !championFirst) champ[i] = Math.min(champ[i], await timed(champion, user));
      }
    }
  });
  cand.sort();
  champ?.sort();
  return { candidate: cand, champion: champ };
}
