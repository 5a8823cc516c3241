import type { z } from 'zod';

/** One thing wrong with an input: the field as the person wrote it, and the rule it broke. */
export interface FieldIssue {
  /** Dotted path of the offending field, e.g. "metadata.hyperparameters.lr" or "tags[2]"; "(input)" for the whole input. */
  field: string;
  /** The rule it broke, in words. */
  rule: string;
}

export function fieldPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(input)';
  return path
    .map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`))
    .join('');
}

/**
 * Turns zod issues into "field: rule" pairs a person can act on; an unknown field is named on its own, as not a field
 * of `subject` ("the spec", "the request").
 */
export function describeIssues(error: z.ZodError, subject = 'the input'): FieldIssue[] {
  return error.issues.flatMap((issue) => {
    if (issue.code === 'unrecognized_keys') return issue.keys.map((key) => ({ field: fieldPath([...issue.path, key]), rule: `not a field of ${subject}` }));
    return [{ field: fieldPath(issue.path), rule: issue.message }];
  });
}

export const formatIssue = (i: FieldIssue) => `${i.field}: ${i.rule}`;

/** The one way a list of issues is written on one line. */
export function formatIssues(issues: readonly FieldIssue[]): string {
  return issues.map(formatIssue).join('; ');
}
