import { SEMVER_PATTERN } from '../contracts/primitives';

// The rules live with the other contracts; the registry re-exports them for its callers.
export { MODEL_NAME_PATTERN, MODEL_NAME_RULE, SEMVER_PATTERN, SEMVER_RULE } from '../contracts/primitives';

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
