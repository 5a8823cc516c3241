/** Model names double as URL path segments and Temporal workflow-id parts, so they stay lowercase and short. */
export const MODEL_NAME_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;
export const MODEL_NAME_RULE = 'must be 1-63 lowercase letters, digits or "-", starting with a letter or digit';

/** major.minor.patch only: versions are ordered by number, and pre-release/build tags have no meaning in the registry. */
export const SEMVER_PATTERN = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$/;
export const SEMVER_RULE = 'must be a semantic version major.minor.patch of non-negative integers without leading zeros, e.g. 1.4.2';

export interface Semver {
  major: number;
  minor: number;
  patch: number;
}

/** Parses "1.4.2"; returns null for anything else, including parts beyond Number.MAX_SAFE_INTEGER. */
export function parseSemver(text: string): Semver | null {
  const m = SEMVER_PATTERN.exec(text);
  if (!m) return null;
  const [major, minor, patch] = [m[1], m[2], m[3]].map(Number) as [number, number, number];
  if (![major, minor, patch].every(Number.isSafeInteger)) return null;
  return { major, minor, patch };
}

export function formatSemver(v: Semver): string {
  return `${v.major}.${v.minor}.${v.patch}`;
}

export function compareSemver(a: Semver, b: Semver): number {
  return a.major - b.major || a.minor - b.minor || a.patch - b.patch;
}
