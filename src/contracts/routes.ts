import { z } from 'zod';

import { semverSchema, sha256Schema } from './primitives';

export const routeTargetSchema = z.object({ version: semverSchema, sha256: sha256Schema });
const percentSchema = z.number().min(0, 'must be at least 0').max(100, 'must be at most 100');

/** `off`: targets as weighted. `stable-only`: candidate and shadow disabled at once. `fallback`: every user gets the
 *  stable model's popularity fallback, for when the stable model itself must not score. */
export const killSwitchSchema = z.enum(['off', 'stable-only', 'fallback']);

/** The production routing of one model: what the gateway replicas serve. */
export const routeSpecSchema = z
  .object({
    stable: routeTargetSchema.nullable(),
    candidate: routeTargetSchema.extend({ percent: percentSchema }).nullable(),
    shadow: routeTargetSchema.extend({ percent: percentSchema }).nullable(),
    killSwitch: killSwitchSchema,
  })
  .superRefine((spec, ctx) => {
    if (!spec.stable && spec.candidate && spec.candidate.percent < 100) {
      ctx.addIssue({ code: 'custom', path: ['candidate', 'percent'], message: 'must be 100 when there is no stable target' });
    }
  });

export type RouteTarget = z.infer<typeof routeTargetSchema>;
export type RouteSpec = z.infer<typeof routeSpecSchema>;
export type KillSwitch = z.infer<typeof killSwitchSchema>;

export interface RouteDoc extends RouteSpec {
  _id: string;
  generation: number;
  updatedAt: Date;
  updatedBy: string;
  reason: string;
  changeKey: string;
}

export interface RouteHistoryDoc extends RouteSpec {
  _id: string;
  model: string;
  generation: number;
  at: Date;
  actor: string;
  reason: string;
  changeKey: string;
}

export const EMPTY_ROUTE: RouteSpec = { stable: null, candidate: null, shadow: null, killSwitch: 'off' };
