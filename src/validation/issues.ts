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

const KIND: Record<string, string> = {
  string: 'text',
  number: 'a number',
  int: 'an integer',
  bigint: 'an integer',
  boolean: 'true or false',
  object: 'an object of fields',
  array: 'a list',
  date: 'a date',
  record: 'an object of fields',
};

/**
 * The rule in words of this project. A schema's own message is kept; the library's defaults ("Invalid input: expected
 * string, received undefined", "Too small: ...") are rewritten, so no raw library text reaches a person.
 */
function plainRule(issue: z.core.$ZodIssue): string {
  if (!/^(Invalid|Too (small|big))\b/.test(issue.message)) return issue.message;
  const bound = (n: number | bigint, inclusive: boolean | undefined, side: 'least' | 'most') => (inclusive === false ? `${side === 'least' ? 'above' : 'below'} ${n}` : `at ${side} ${n}`);
  switch (issue.code) {
    case 'invalid_type':
      return issue.message.endsWith('received undefined') ? 'is required' : `must be ${KIND[issue.expected] ?? issue.expected}`;
    case 'invalid_value':
      return issue.values.length === 1 ? `must be ${JSON.stringify(issue.values[0])}` : `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'too_small':
    case 'too_big': {
      const side = issue.code === 'too_small' ? 'least' : 'most';
      const n = issue.code === 'too_small' ? issue.minimum : issue.maximum;
      const what = issue.origin === 'array' || issue.origin === 'set' ? ' items' : issue.origin === 'string' ? ' characters' : '';
      return `must ${what ? 'have' : 'be'} ${bound(n, issue.inclusive, side)}${what}`;
    }
    default:
      return 'is not valid here';
  }
}

/**
 * Turns zod issues into "field: rule" pairs a person can act on; an unknown field is named on its own, as not a field
 * of `subject` ("the spec", "the request").
 */
export function describeIssues(error: z.ZodError, subject = 'the input'): FieldIssue[] {
  return error.issues.flatMap((issue) => {
    if (issue.code === 'unrecognized_keys') return issue.keys.map((key) => ({ field: fieldPath([...issue.path, key]), rule: `not a field of ${subject}` }));
    return [{ field: fieldPath(issue.path), rule: plainRule(issue) }];
  });
}

export const formatIssue = (i: FieldIssue) => `${i.field}: ${i.rule}`;

/** The one way a list of issues is written on one line. */
export function formatIssues(issues: readonly FieldIssue[]): string {
  return issues.map(formatIssue).join('; ');
}
