import type { RouteSpec, RouteTarget } from '../contracts/routes';

export interface Assignment {
  served: (RouteTarget & { role: 'stable' | 'candidate' }) | null;
  shadow: RouteTarget | null;
  /** Every user gets the popularity fallback (kill switch `fallback`). */
  fallbackOnly: boolean;
}

/** FNV-1a over the string: fast, stable across processes and replicas, and well spread for numeric user ids. */
function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return h >>> 0;
}

/** A user's position in [0, 10000). It ignores the generation, so raising the candidate's share only adds users to
 *  it: nobody flips back and forth as a rollout advances. */
export function userBucket(model: string, user: string, salt = ''): number {
  return hash32(`${salt}${model}\u0000${user}`) % 10_000;
}

export function assignVariant(model: string, user: string, spec: RouteSpec): Assignment {
  if (spec.killSwitch === 'fallback') {
    return { served: spec.stable && { ...spec.stable, role: 'stable' }, shadow: null, fallbackOnly: true };
  }
  const live = spec.killSwitch === 'off';
  const bucket = userBucket(model, user);
  const toCandidate = live && spec.candidate !== null && (spec.stable === null || bucket < spec.candidate.percent * 100);
  const served = toCandidate
    ? { version: spec.candidate!.version, sha256: spec.candidate!.sha256, role: 'candidate' as const }
    : spec.stable && { ...spec.stable, role: 'stable' as const };
  const shadowed = live && spec.shadow !== null && userBucket(model, user, 'shadow:') < spec.shadow.percent * 100;
  return { served, shadow: shadowed ? { version: spec.shadow!.version, sha256: spec.shadow!.sha256 } : null, fallbackOnly: false };
}
