import type { Silence } from '../contracts/monitoring';

/**
 * Whether a window without requests is a finding. A champion that never had traffic is merely waiting for it; one that
 * had traffic in the baseline and has none now has lost its users (an upstream outage, a route that no longer reaches
 * it), and saying `ok` would hide exactly that.
 */
export function silenceOf(windowRequests: number, baselineRequests: number, baselineFromMs: number): Silence | null {
  if (windowRequests > 0 || baselineRequests === 0) return null;
  return { windowRequests: 0, baselineRequests, baselineFrom: new Date(baselineFromMs).toISOString() };
}

export function describeSilence(s: Silence, windowFrom: string): string {
  return `no traffic: 0 requests since ${windowFrom}, ${s.baselineRequests} in the baseline from ${s.baselineFrom}`;
}
