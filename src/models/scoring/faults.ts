import type { FaultSettings } from '../artifact/format';
import { mulberry32 } from '../prng';

/**
 * Runtime fault injection is honoured by the serving layer, not by the scorer: scoring stays a pure,
 * synchronous function so offline evaluation and benchmarks measure the model alone. The serving
 * layer asks this injector, once per request, whether to fail and how long to wait first.
 */
export interface FaultDecision {
  delayMs: number;
  fail: boolean;
}

/** Seeded so that a canary run with a given failureRate fails the same requests every time. */
export function createFaultInjector(faults: FaultSettings | undefined, seed = 1): () => FaultDecision {
  const delayMs = faults?.addedLatencyMs ?? 0;
  const failureRate = faults?.failureRate ?? 0;
  let healthyLeft = faults?.failAfterRequests ?? 0;
  const rng = mulberry32(seed);
  return () => {
    if (healthyLeft > 0) {
      healthyLeft--;
      return { delayMs, fail: false };
    }
    return { delayMs, fail: failureRate > 0 && rng() < failureRate };
  };
}
