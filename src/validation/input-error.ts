import type { z } from 'zod';
import { describeIssues, formatIssue, formatIssues, type FieldIssue } from './issues';

/**
 * Input that breaks a rule: every layer (configuration, specs, registry and audit calls, HTTP bodies, CLI flags)
 * throws this, naming each field and its rule. Retrying cannot help, and nothing was changed.
 */
export class InputError extends Error {
  readonly code: string = 'INVALID_INPUT';

  /** @param heading replaces the one-line message with a heading over one line per issue. */
  constructor(
    readonly operation: string,
    readonly issues: readonly FieldIssue[],
    heading?: string,
  ) {
    super(heading ? `${heading}:\n${issues.map((i) => `  - ${formatIssue(i)}`).join('\n')}` : `${operation}: invalid input: ${formatIssues(issues)}`);
    this.name = new.target.name;
  }

  /** Each issue as "field: rule". */
  get problems(): string[] {
    return this.issues.map(formatIssue);
  }
}

/** Parses an operation's input, or throws an InputError naming every offending field and rule. */
export function parseInput<S extends z.ZodType>(operation: string, schema: S, input: unknown, subject?: string): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw new InputError(operation, describeIssues(result.error, subject));
  return result.data;
}
