import { InvalidSemverError } from './errors';
import { parseSemver, SEMVER_RULE, type Semver } from './semver';

export function requireSemver(operation: string, field: string, text: string): Semver {
  const parsed = parseSemver(text);
  if (!parsed) throw new InvalidSemverError(operation, field, text, SEMVER_RULE);
  return parsed;
}
