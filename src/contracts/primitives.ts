import { z } from 'zod';

/** Model names double as URL path segments and workflow-id parts, so they stay lowercase and short. */
export const MODEL_NAME_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;
export const MODEL_NAME_RULE = 'must be 1-63 lowercase letters, digits or "-", starting with a letter or digit';
export const SEMVER_PATTERN = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$/;
export const SEMVER_RULE = 'must be a semantic version major.minor.patch of non-negative integers without leading zeros, e.g. 1.4.2';

export const modelNameSchema = z.string().regex(MODEL_NAME_PATTERN, MODEL_NAME_RULE);
export const semverSchema = z.string().regex(SEMVER_PATTERN, SEMVER_RULE);
export const sha256Schema = z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex digits (a sha256)');

const DURATION_PATTERN = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/;
const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** No policy duration (window, bake, deadline, interval, timeout) is meaningful beyond this; longer ones are refused. */
export const MAX_DURATION_MS = 90 * 86_400_000;

/**
 * A duration written for people ("30s", "10m", "72h"), kept as text so Temporal timers and the Web UI show it. At most
 * 90 days: a larger one is a typo that would hold a model's lock or set a deadline centuries away.
 */
export const durationSchema = z
  .string()
  .regex(DURATION_PATTERN, 'must be a duration such as 500ms, 30s, 10m, 72h or 2d')
  .refine((text) => !DURATION_PATTERN.test(text) || durationMs(text) <= MAX_DURATION_MS, 'must be at most 90d');

export function durationMs(text: string): number {
  const m = DURATION_PATTERN.exec(text);
  if (!m) throw new RangeError(`not a duration: ${text}`);
  return Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS];
}
