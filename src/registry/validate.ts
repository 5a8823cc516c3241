import type { z } from 'zod';
import { describeIssues } from '../audit/issues';
import { InvalidSemverError, ValidationError } from './errors';
import { parseSemver, SEMVER_RULE, type Semver } from './semver';

/** Parses an operation's input or throws a ValidationError naming every offending field and rule. */
export function parseInput<S extends z.ZodType>(operation: string, schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw new ValidationError(operation, describeIssues(result.error));
  return result.data;
}

export function requireSemver(operation: string, field: string, text: string): Semver {
  const parsed = parseSemver(text);
  if (!parsed) throw new InvalidSemverError(operation, field, text, SEMVER_RULE);
  return parsed;
}
