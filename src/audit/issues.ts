import type { z } from 'zod';

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

/** Turns zod issues into "field: rule" pairs a person can act on. */
export function describeIssues(error: z.ZodError): FieldIssue[] {
  return error.issues.map((issue) => {
    if (issue.code === 'unrecognized_keys') {
      return { field: fieldPath(issue.path), rule: `unknown field(s) ${issue.keys.map((k) => `"${k}"`).join(', ')}` };
    }
    return { field: fieldPath(issue.path), rule: issue.message };
  });
}

export function formatIssues(issues: readonly FieldIssue[]): string {
  return issues.map((i) => `${i.field}: ${i.rule}`).join('; ');
}
