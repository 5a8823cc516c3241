import { z } from 'zod';
import { signatureSchema } from './identity';
import { durationMs, durationSchema, modelNameSchema, semverSchema, sha256Schema } from './primitives';

const share = (what: string) => z.number().min(0, `${what} must be at least 0`).max(1, `${what} must be at most 1`);
const positiveInt = z.number().int('must be an integer').positive('must be positive');
const identity = z.string().trim().min(1, 'must name a person or service').max(100, 'must be at most 100 characters');
const email = z.string().email('must be an email address');

export const validationGateSchema = z
  .object({
    /** Offline metrics are computed at this cut-off. */
    k: positiveInt.max(100, 'must be at most 100').default(10),
    minNdcg: share('minNdcg').default(0.01),
    minRecall: share('minRecall').default(0),
    /** Allowed relative shortfall against the champion on NDCG and recall: 0.05 lets a candidate be 5% worse. */
    maxRegression: share('maxRegression').default(0.05),
  })
  .strict()
  .default({ k: 10, minNdcg: 0.01, minRecall: 0, maxRegression: 0.05 });

export const scenarioGateSchema = z
  .object({
    coldStartMaxInteractions: positiveInt.default(5),
    heavyUserMinInteractions: positiveInt.default(100),
    /** Every slice's NDCG must reach this share of the candidate's overall NDCG. */
    minSliceNdcgRatio: share('minSliceNdcgRatio').default(0.3),
    /** Absolute ceiling on the candidate's top-k p99, far above a busy machine's noise (docs/gates.md). */
    latencyBudgetP99Ms: z.number().positive('must be positive').default(50),
    /** Largest candidate p95 / champion p95, both measured interleaved in the same run: 1.5 lets it be 50% slower. */
    latencyMaxRatio: z.number().min(1, 'must be at least 1').default(1.5),
    latencySampleUsers: positiveInt.default(300),
    /** Shadow comparison on replayed held-out traffic against the champion. */
    minShadowOverlap: share('minShadowOverlap').default(0),
    maxShadowNdcgDrop: share('maxShadowNdcgDrop').default(0.1),
  })
  .strict()
  .default({
    coldStartMaxInteractions: 5,
    heavyUserMinInteractions: 100,
    minSliceNdcgRatio: 0.3,
    latencyBudgetP99Ms: 50,
    latencyMaxRatio: 1.5,
    latencySampleUsers: 300,
    minShadowOverlap: 0,
    maxShadowNdcgDrop: 0.1,
  });

export const qualityGateSchema = z
  .object({
    maxPsi: z.number().nonnegative('must not be negative').default(0.2),
    maxKs: share('maxKs').default(0.1),
    maxJs: share('maxJs').default(0.1),
    maxDuplicateShare: share('maxDuplicateShare').default(0.01),
    minIdCoverage: share('minIdCoverage').default(0.5),
  })
  .strict()
  .default({ maxPsi: 0.2, maxKs: 0.1, maxJs: 0.1, maxDuplicateShare: 0.01, minIdCoverage: 0.5 });

export const stageSchema = z.object({
  name: z.string().regex(/^[a-z0-9][a-z0-9-]{0,31}$/, 'must be 1-32 lowercase letters, digits or "-"'),
  /** Shadow stages mirror this share of requests to the candidate and serve none of its answers. */
  kind: z.enum(['shadow', 'traffic'], { message: 'must be shadow or traffic' }),
  percent: z.number().gt(0, 'must be above 0').max(100, 'must be at most 100'),
}).strict();

/** The shadow stage mirrors every request by default: it costs compute, not users, and at full traffic a broken
 *  candidate shows within one check interval (docs/verdicts.md). */
export const DEFAULT_STAGES: z.infer<typeof stageSchema>[] = [
  { name: 'shadow', kind: 'shadow', percent: 100 },
  { name: 'canary', kind: 'traffic', percent: 5 },
  { name: 'quarter', kind: 'traffic', percent: 25 },
  { name: 'half', kind: 'traffic', percent: 50 },
  { name: 'full', kind: 'traffic', percent: 100 },
];

export const kpiThresholdsSchema = z
  .object({
    maxErrorRate: share('maxErrorRate').default(0.02),
    maxP99Ms: z.number().positive('must be positive').default(50),
    /** The candidate's prediction success rate divided by stable's must reach this. */
    minSuccessRatio: z.number().nonnegative('must not be negative').default(0.7),
    minShadowAgreement: share('minShadowAgreement').default(0),
    /** Failed candidate requests tolerated within one window, whatever the rate. */
    maxFailures: z.number().int('must be an integer').nonnegative('must not be negative').default(50),
    /** Below this many candidate requests a window judges error counts only, not rates. */
    minRequests: z.number().int('must be an integer').nonnegative('must not be negative').default(30),
  })
  .strict()
  .default({ maxErrorRate: 0.02, maxP99Ms: 50, minSuccessRatio: 0.7, minShadowAgreement: 0, maxFailures: 50, minRequests: 30 });

const judgeKindSchema = z.enum(['statistical', 'thresholds'], { message: 'must be statistical or thresholds' });

/** How the rollout's checks are judged; `judge: thresholds` is shorthand for `judge: { kind: thresholds }`. */
export const judgeSchema = z.preprocess(
  (v) => (typeof v === 'string' ? { kind: v } : v),
  z
    .object({
      kind: judgeKindSchema.default('statistical'),
      /** Chance of a wrong claim, regressed or non-inferior, over the whole rollout: every KPI, stage and check. */
      alpha: z.number().gt(0, 'must be above 0').max(0.2, 'must be at most 0.2').default(0.01),
      /** How much worse than stable the candidate may be and still be proven non-inferior. */
      margins: z
        .object({
          /** Relative: 0.1 accepts a success rate down to 90% of stable's. */
          success: share('success').default(0.1),
          /** Absolute share of requests: 0.005 accepts half a percentage point more errors. */
          errors: share('errors').default(0.005),
          /** Absolute share of requests slower than stable's p99. */
          latency: share('latency').default(0.01),
        })
        .strict()
        .default({ success: 0.1, errors: 0.005, latency: 0.01 }),
      /** The smallest effects the checks are tuned to catch, in the margins' units. */
      minEffect: z
        .object({ success: z.number().gt(0, 'must be above 0').max(1, 'must be at most 1').default(0.1), errors: z.number().gt(0, 'must be above 0').max(1, 'must be at most 1').default(0.005), latency: z.number().gt(0, 'must be above 0').max(1, 'must be at most 1').default(0.01) })
        .strict()
        .default({ success: 0.1, errors: 0.005, latency: 0.01 }),
      /**
       * A window that ends without the evidence it needs is extended once by `extendBy`, then `then` happens. The
       * extension defaults to the rollout's window, so a short window is never followed by a long wait.
       */
      undecided: z
        .object({
          extendBy: durationSchema.optional(),
          then: z.enum(['pause', 'rollback'], { message: 'must be pause or rollback' }).default('pause'),
        })
        .strict()
        .default({ then: 'pause' }),
    })
    .strict(),
);

export const DEFAULT_JUDGE = judgeSchema.parse({});

export const rolloutSchema = z
  .object({
    stages: z.array(stageSchema).min(1, 'must name at least one stage').max(20, 'must name at most 20 stages').default(DEFAULT_STAGES),
    window: durationSchema.default('10m'),
    checkInterval: durationSchema.default('30s'),
    bake: durationSchema.default('30m'),
    /** How long the gateway replicas get to acknowledge a routing change. */
    confirmTimeout: durationSchema.default('30s'),
    thresholds: kpiThresholdsSchema,
    judge: judgeSchema.default(DEFAULT_JUDGE),
  })
  .strict()
  .default({ stages: DEFAULT_STAGES, window: '10m', checkInterval: '30s', bake: '30m', confirmTimeout: '30s', thresholds: kpiThresholdsSchema.parse(undefined), judge: DEFAULT_JUDGE })
  .superRefine((r, ctx) => {
    const traffic = r.stages.filter((s) => s.kind === 'traffic');
    if (traffic.length === 0 || traffic[traffic.length - 1].percent !== 100) {
      ctx.addIssue({ code: 'custom', path: ['stages'], message: 'must end with a traffic stage at 100 percent' });
    }
    traffic.forEach((s, i) => {
      if (i > 0 && s.percent <= traffic[i - 1].percent) {
        ctx.addIssue({ code: 'custom', path: ['stages', r.stages.indexOf(s), 'percent'], message: 'must grow from one traffic stage to the next' });
      }
    });
    // Refinements run even when a field failed its own rule, so a malformed duration is left to that rule's message.
    const [interval, window] = [r.checkInterval, r.window].map((d) => (durationSchema.safeParse(d).success ? durationMs(d) : NaN));
    if (interval > window && window > 0) {
      ctx.addIssue({ code: 'custom', path: ['checkInterval'], message: 'must not be longer than the window' });
    }
  });

export const approvalSchema = z
  .object({
    approvers: z.array(identity).min(1, 'must name at least one approver').max(50, 'must name at most 50 approvers'),
    required: positiveInt.default(1),
    deadline: durationSchema.default('72h'),
    reminderBefore: durationSchema.default('12h'),
    /**
     * Starts, decisions and operator actions count only when signed by a registered person holding the role
     * (docs/identity.md). Off, names are taken as given, as in a sandbox.
     */
    requireSignatures: z.boolean({ message: 'must be true or false' }).default(true),
  })
  .strict()
  .superRefine((a, ctx) => {
    if (a.required > new Set(a.approvers).size) {
      ctx.addIssue({ code: 'custom', path: ['required'], message: `must be at most the ${new Set(a.approvers).size} distinct approvers listed` });
    }
  });

/** Version 1 of what starts a deployment pipeline; every policy value has a default. */
export const pipelineSpecSchema = z
  .object({
    specVersion: z.literal(1, { message: 'must be 1' }),
    model: modelNameSchema,
    version: semverSchema,
    submitter: identity,
    datasets: z.object({
      /** Interactions the model was trained on: the drift reference. */
      train: sha256Schema,
      /** Held-out interactions after the training period: validation, scenarios and shadow replay. */
      validation: sha256Schema,
      /** Recent production interactions, compared with the training data for drift; defaults to validation. */
      recent: sha256Schema.optional(),
    })
      .strict(),
    gates: z
      .object({ validation: validationGateSchema, scenarios: scenarioGateSchema, quality: qualityGateSchema })
      .strict()
      .default({ validation: validationGateSchema.parse(undefined), scenarios: scenarioGateSchema.parse(undefined), quality: qualityGateSchema.parse(undefined) }),
    approval: approvalSchema,
    rollout: rolloutSchema,
    notify: z.object({ recipients: z.array(email).max(50, 'must name at most 50 recipients').default([]) }).strict().default({ recipients: [] }),
    /** The submitter's signature of this start, made by `modelship deploy`. */
    signature: signatureSchema.optional(),
  })
  .strict()
  .superRefine((spec, ctx) => {
    if (spec.approval.approvers.length > 0 && spec.approval.approvers.every((a) => a === spec.submitter)) {
      ctx.addIssue({ code: 'custom', path: ['approval', 'approvers'], message: 'must name someone other than the submitter (four-eyes)' });
    }
  });

export type PipelineSpecInput = z.input<typeof pipelineSpecSchema>;
export type PipelineSpec = z.output<typeof pipelineSpecSchema>;
export type Stage = z.infer<typeof stageSchema>;
export type KpiThresholds = PipelineSpec['rollout']['thresholds'];
export type JudgeSpec = PipelineSpec['rollout']['judge'];
export type ScenarioGate = PipelineSpec['gates']['scenarios'];
export type QualityGate = PipelineSpec['gates']['quality'];

export const pipelineWorkflowId = (model: string, version: string) => `deploy-${model}-${version}`;
