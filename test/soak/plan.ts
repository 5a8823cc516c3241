import type { Outcome } from '../../src/contracts/messages';
import { mulberry32 } from '../../src/models';

/**
 * What a version is: good; failing live (errors at serving time, not offline); latent (healthy through its rollout,
 * failing in production a while after, for the monitor to catch); or bad offline (the gates catch it).
 */
export type Kind = 'good' | 'failing' | 'latent' | 'offline_bad';
/** What the operators do with its pipeline. */
export type Action = 'approve' | 'reject' | 'expire' | 'pause_resume' | 'promote' | 'abort' | 'rollback';

export interface PlannedVersion {
  model: string;
  version: string;
  kind: Kind;
  action: Action;
  /** Training seed: every version is its own model. */
  seed: number;
  /** How long after its moment the action is taken. */
  delayMs: number;
}

export type Rng = () => number;

export function seededRng(seed: number): Rng {
  return mulberry32(seed);
}

function pick<T>(rng: Rng, weighted: [T, number][]): T {
  const total = weighted.reduce((s, [, w]) => s + w, 0);
  let r = rng() * total;
  for (const [value, w] of weighted) if ((r -= w) < 0) return value;
  return weighted[weighted.length - 1][0];
}

const KINDS: [Kind, number][] = [['good', 6], ['failing', 3], ['latent', 1], ['offline_bad', 1]];
const ACTIONS: [Action, number][] = [['approve', 5], ['reject', 1], ['expire', 1], ['pause_resume', 2], ['promote', 1], ['abort', 1], ['rollback', 1]];

/** A model's life: its first version is good and approved, the rest are drawn. */
export function planModel(rng: Rng, model: string, versions: number): PlannedVersion[] {
  return Array.from({ length: versions }, (_, i) => {
    const kind = i === 0 ? 'good' : pick(rng, KINDS);
    let action = i === 0 ? 'approve' : pick(rng, ACTIONS);
    // An early promotion of a version that fails live races its own breach; judge it as a plain approval.
    if (kind === 'failing' && action === 'promote') action = 'approve';
    return { model, version: `${i + 1}.0.0`, kind, action, seed: 1000 + Math.floor(rng() * 1e6), delayMs: Math.floor(rng() * 1500) };
  });
}

/** The outcome the version and the action imply. */
export function expectedOutcome(v: PlannedVersion): Outcome {
  if (v.kind === 'offline_bad') return 'rejected';
  if (v.action === 'reject') return 'rejected';
  if (v.action === 'expire') return 'expired';
  if (v.action === 'abort' || v.action === 'rollback') return 'rolled_back';
  return v.kind === 'failing' ? 'rolled_back' : 'promoted';
}

/** The registry status a finished pipeline leaves its version in. */
export function expectedStatus(outcome: Outcome): string {
  return outcome === 'promoted' ? 'production' : outcome === 'rolled_back' ? 'rolled_back' : 'rejected';
}
