/**
 * Live traffic for the benchmark's rollouts, small enough for fifty at once on a shared machine. A rollout's window
 * passes only on candidate requests (docs/verdicts.md, missing data is never a pass), and the gateway routes a user
 * by a hash of model and user: so each model's loop alternates between users the candidate serves from its first
 * traffic stage on and users stable serves until the last, and every window of every stage gets requests on both
 * arms at a few requests a second per model.
 */
import { userBucket } from '../../../src/routing/assign';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface ArmUsers {
  /** Served by the candidate at every traffic stage of at least `firstPercent`. */
  candidate: number[];
  /** Served by stable at every stage below 100%. */
  stable: number[];
}

/** Splits `users` by where the gateway routes them for `model`, as `assignVariant` does. */
export function armUsers(model: string, users: number[], firstPercent: number, lastBelowFull: number): ArmUsers {
  const bucket = (u: number) => userBucket(model, String(u));
  const split = {
    candidate: users.filter((u) => bucket(u) < firstPercent * 100),
    stable: users.filter((u) => bucket(u) >= lastBelowFull * 100),
  };
  if (split.candidate.length === 0 || split.stable.length === 0) {
    throw new Error(`model ${model}: none of ${users.length} users falls in the candidate's or stable's band; use more users`);
  }
  return split;
}

/** Requests for `model` until `signal` aborts, one every `pauseMs` after the last answer, alternating arms. */
export async function stageTraffic(gatewayUrl: string, model: string, arms: ArmUsers, pauseMs: number, signal: AbortSignal): Promise<number> {
  let sent = 0;
  while (!signal.aborted) {
    const side = sent % 2 === 0 ? arms.candidate : arms.stable;
    const user = side[Math.floor(sent / 2) % side.length];
    await fetch(`${gatewayUrl}/v1/recommendations?model=${model}&user=${user}`, { signal }).then((r) => r.arrayBuffer(), () => undefined);
    sent++;
    await sleep(pauseMs);
  }
  return sent;
}
