import { z } from 'zod';
import { describeIssues, formatIssues } from '../../../src/validation/issues';

describe('rules in words of this project', () => {
  it("rewrites the library's default messages and keeps a schema's own", () => {
    const schema = z.object({
      name: z.string(),
      count: z.number(),
      mode: z.enum(['a', 'b']),
      one: z.literal(1),
      list: z.array(z.number()).min(2),
      small: z.number().max(3),
      positive: z.number().gt(0),
      text: z.string().max(2),
      mine: z.string().min(5, 'must be five or more'),
    });
    const parsed = schema.safeParse({ count: 'x', mode: 'c', one: 2, list: [1], small: 4, positive: 0, text: 'abc', mine: 'x' });
    const rules = formatIssues(describeIssues(parsed.error!));
    expect(rules).toBe(
      'name: is required; count: must be a number; mode: must be one of "a", "b"; one: must be 1; list: must have at least 2 items; small: must be at most 3; positive: must be above 0; text: must have at most 2 characters; mine: must be five or more',
    );
    expect(rules).not.toMatch(/Invalid|Too (small|big)|expected/);
  });
});
