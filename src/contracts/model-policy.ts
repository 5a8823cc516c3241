import { z } from 'zod';
import { durationMs, durationSchema } from './primitives';
import { DEFAULT_JUDGE, judgeSchema, kpiThresholdsSchema, pipelineSpecSchema } from './pipeline-spec';

const identity = z.string().trim().min(1, 'must name a person or service').max(100, 'must be at most 100 characters');
const email = z.string().email('must be an email address');

/**
 * What continuous monitoring does with a model in production. `rollback` states explicitly whether a sustained breach
 * rolls back by itself, waits for a human, or only alerts.
 */
export const monitoringPolicySchema = z
  .object({
    checkInterval: durationSchema.default('30s'),
    /** Each check judges the KPIs of this much time before it. */
    window: durationSchema.default('5m'),
    thresholds: kpiThresholdsSchema,
    /** The same judge as rollouts: each window against the champion's own history just before it (docs/verdicts.md). */
    judge: judgeSchema.default(DEFAULT_JUDGE),
    /** The champion's own history each window is compared with: this much time before the window. */
    baseline: durationSchema.default('1h'),
    drift: z
      .object({
        /** Population stability index of the served users' training activity against the training users'. */
        maxPsi: z.number().nonnegative('must not be negative').default(0.25),
        /** Share of requests from users the training data never saw. */
        maxColdShare: z.number().min(0, 'must be at least 0').max(1, 'must be at most 1').default(0.3),
        /** Below this many sampled requests in a window, drift is not judged. */
        minSamples: z.number().int('must be an integer').positive('must be positive').default(100),
        /** Whether drift counts towards a rollback or only raises alerts. */
        action: z.enum(['rollback', 'alert'], { message: 'must be rollback or alert' }).default('rollback'),
      })
      .strict()
      .default({ maxPsi: 0.25, maxColdShare: 0.3, minSamples: 100, action: 'rollback' }),
    /**
     * A champion that served requests in the baseline before a window and none in it: an upstream outage or a broken
     * route, never a quiet pass. `alert` mails and audits it and holds the breach streak; `rollback` counts it like a
     * KPI breach.
     */
    noTraffic: z
      .object({ action: z.enum(['rollback', 'alert'], { message: 'must be rollback or alert' }).default('alert') })
      .strict()
      .default({ action: 'alert' }),
    /** Consecutive breaching checks that make a breach sustained. */
    sustainedChecks: z.number().int('must be an integer').min(1, 'must be at least 1').max(100, 'must be at most 100').default(3),
    rollback: z.enum(['automatic', 'approval', 'alert-only'], { message: 'must be automatic, approval or alert-only' }).default('automatic'),
    /** Who may approve a rollback when `rollback` is `approval`. */
    approvers: z.array(identity).max(50, 'must name at most 50 approvers').default([]),
    /** Rollback decisions count only when signed by an approver of the model (docs/identity.md). */
    requireSignatures: z.boolean({ message: 'must be true or false' }).default(true),
    approvalTimeout: durationSchema.default('30m'),
    /** How long the gateway replicas get to serve a rollback's routing change. */
    confirmTimeout: durationSchema.default('30s'),
    recipients: z.array(email).max(50, 'must name at most 50 recipients').default([]),
    /** Checks per workflow run before it continues as new, which keeps its history bounded. */
    checksPerRun: z.number().int('must be an integer').min(1, 'must be at least 1').max(1000, 'must be at most 1000').default(200),
  })
  .strict()
  .superRefine((p, ctx) => {
    if (p.rollback === 'approval' && p.approvers.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['approvers'], message: 'must name at least one approver when rollback is approval' });
    }
    const [interval, window] = [p.checkInterval, p.window].map((d) => (durationSchema.safeParse(d).success ? durationMs(d) : NaN));
    if (interval > window) ctx.addIssue({ code: 'custom', path: ['window'], message: 'must not be shorter than checkInterval' });
  });

/** A scheduled rollback drill: how often, and where its result is mailed. */
export const drillPolicySchema = z
  .object({
    every: durationSchema.default('24h'),
    recipients: z.array(email).max(50, 'must name at most 50 recipients').default([]),
    /** Defaults to the monitoring policy's confirmTimeout. */
    confirmTimeout: durationSchema.optional(),
  })
  .strict();

export const modelPolicyInputSchema = z
  .object({
    monitoring: monitoringPolicySchema.default(() => monitoringPolicySchema.parse({})),
    drill: drillPolicySchema.optional(),
    /** Under an `auto` trigger, a new version's pipeline spec: everything but model, version and submitter. */
    pipeline: z.record(z.string(), z.unknown()).optional(),
  })
  .strict()
  .superRefine((p, ctx) => {
    // Checked now, as a version would fill it in, so a broken template is refused when it is set, not at a release.
    if (!p.pipeline) return;
    const filled = pipelineSpecSchema.safeParse({ specVersion: 1, ...p.pipeline, model: 'template', version: '0.0.0', submitter: 'template-submitter' });
    for (const issue of filled.success ? [] : filled.error.issues) ctx.addIssue({ ...issue, path: ['pipeline', ...issue.path] } as never);
  });

export type MonitoringPolicy = z.output<typeof monitoringPolicySchema>;
export type DrillPolicy = z.output<typeof drillPolicySchema>;
export type ModelPolicyInput = z.input<typeof modelPolicyInputSchema>;

export interface ModelPolicy {
  model: string;
  monitoring: MonitoringPolicy;
  drill: DrillPolicy | null;
  /** The pipeline template for `auto` triggers, stored as given and validated whole when a version fills it in. */
  pipeline: Record<string, unknown> | null;
  revision: number;
  updatedBy: string | null;
  updatedAt: string | null;
}

export const DEFAULT_MONITORING_POLICY: MonitoringPolicy = monitoringPolicySchema.parse({});
