import { z } from 'zod';
import { semverSchema } from '../contracts/primitives';
import { killSwitchSchema } from '../routing';

const id = (name: string) => z.coerce.number({ message: `must be a number` }).int(`${name} must be an integer`).nonnegative(`${name} must not be negative`);

export const recommendationQuerySchema = z.object({
  model: z.string().min(1, 'must not be empty').optional(),
  user: id('user'),
  k: z.coerce.number({ message: 'must be a number' }).int('must be an integer').min(1, 'must be at least 1').max(100, 'must be at most 100').default(10),
});

export const feedbackBodySchema = z.object({
  model: z.string().min(1, 'must not be empty').optional(),
  user: id('user'),
  item: id('item'),
  version: semverSchema,
  event: z.enum(['click', 'consume', 'purchase', 'dismiss'], { message: 'must be click, consume, purchase or dismiss' }),
}).strict();

export const killSwitchBodySchema = z.object({
  mode: killSwitchSchema,
  reason: z.string().min(3, 'must say why, in at least 3 characters'),
  actor: z.string().min(1, 'must name who acts'),
}).strict();
