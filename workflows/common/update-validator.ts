import type { z } from 'zod';
import { describeIssues, formatIssues } from '../../src/validation/issues';

/** An Update's validator: malformed input is turned away before it enters the history, naming the field and the rule. */
export function updateValidator(schema: z.ZodTypeAny, subject: string): (input: unknown) => void {
  return (input) => {
    const parsed = schema.safeParse(input);
    if (!parsed.success) throw new Error(formatIssues(describeIssues(parsed.error, subject)));
  };
}
