import { z } from 'zod';

/**
 * Evidence produced by the offline gates (src/evaluation). It travels through Temporal, into the audit
 * log and into approval emails, so it is plain JSON that MongoDB and FerretDB 1.x store unchanged:
 * finite numbers only, no nested arrays, no keys with '.' or a leading '$'.
 */

/** Keys of `values` and `thresholds` become document keys in the audit log. */
const keySchema = z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/, 'must be a letter followed by letters, digits or "_"');
const count = z.number().int().nonnegative();
const share = z.number().min(0).max(1);

/** A measurement: a number, a yes/no observation, or null when it could not be computed (e.g. a ratio over 0). */
const measuredValueSchema = z.union([z.number(), z.boolean(), z.null()]);

const checkFields = {
  /** Stable snake_case identifier, e.g. "ndcg_floor" or "drift_rating_psi". */
  name: z.string().regex(/^[a-z][a-z0-9_]*$/, 'must be snake_case'),
  values: z.record(keySchema, measuredValueSchema),
  thresholds: z.record(keySchema, z.number()),
  /** One line for people, e.g. "NDCG@10 0.071 ≥ floor 0.010". */
  summary: z.string().min(1),
};

export const checkSchema = z.discriminatedUnion('verdict', [
  z.object({ ...checkFields, verdict: z.literal('pass') }).strict(),
  /**
   * `environmental`: the failure lies outside the model (the machine measured too slow or too noisily to judge it),
   * so the pipeline stops without rejecting the version. Absent, a failure is the model's and final.
   */
  z.object({ ...checkFields, verdict: z.literal('fail'), environmental: z.literal(true).optional() }).strict(),
  /** A skipped check neither passes nor fails its gate, and always says why it was skipped. */
  z.object({ ...checkFields, verdict: z.literal('skipped'), reason: z.string().min(1) }).strict(),
]);
export type Check = z.infer<typeof checkSchema>;
export type CheckVerdict = Check['verdict'];

/** Offline ranking metrics of one model over the held-out users (macro averages, seen items excluded). */
export const offlineMetricsSchema = z
  .object({
    ndcg: share,
    recall: share,
    precision: share,
    map: share,
    hitRate: share,
    /** Share of the model's catalogue that appears in at least one top-k list. */
    coverage: share,
    users: count,
    /** Users the model did not know, answered by its popularity fallback. */
    fallbackUsers: count,
  })
  .strict();
export type OfflineMetrics = z.infer<typeof offlineMetricsSchema>;

const gateFields = {
  /** True when no check failed; skipped checks do not fail a gate. */
  pass: z.boolean(),
  checks: z.array(checkSchema).min(1),
};

/** A stored verdict that contradicts its own checks would mislead every later reader of the audit log. */
const consistentPass = (e: { pass: boolean; checks: Check[] }) => e.pass === e.checks.every((c) => c.verdict !== 'fail');
const consistentPassMessage = { message: 'pass must be true exactly when no check failed', path: ['pass'] };

export const validationEvidenceSchema = z
  .object({
    gate: z.literal('validation'),
    k: z.number().int().positive(),
    candidate: offlineMetricsSchema,
    champion: offlineMetricsSchema.nullable(),
    ...gateFields,
  })
  .strict()
  .refine(consistentPass, consistentPassMessage);
export type ValidationEvidence = z.infer<typeof validationEvidenceSchema>;

export const scenarioEvidenceSchema = z
  .object({
    gate: z.literal('scenarios'),
    k: z.number().int().positive(),
    ...gateFields,
  })
  .strict()
  .refine(consistentPass, consistentPassMessage);
export type ScenarioEvidence = z.infer<typeof scenarioEvidenceSchema>;

/** A data-integrity finding as reported by checkInteractions; examples are 0-based row indices. */
export const findingSchema = z
  .object({
    check: z.string().min(1),
    severity: z.enum(['error', 'warning', 'info']),
    message: z.string().min(1),
    count: count.optional(),
    examples: z.array(count).optional(),
  })
  .strict();

export const datasetProfileSchema = z
  .object({
    rows: count,
    users: count,
    items: count,
    findings: z.array(findingSchema),
  })
  .strict();
export type DatasetProfile = z.infer<typeof datasetProfileSchema>;

export const qualityEvidenceSchema = z
  .object({
    gate: z.literal('quality'),
    datasets: z.object({ train: datasetProfileSchema, recent: datasetProfileSchema }).strict(),
    ...gateFields,
  })
  .strict()
  .refine(consistentPass, consistentPassMessage);
export type QualityEvidence = z.infer<typeof qualityEvidenceSchema>;

export const gateEvidenceSchema = z.discriminatedUnion('gate', [validationEvidenceSchema, scenarioEvidenceSchema, qualityEvidenceSchema]);
export type GateEvidence = z.infer<typeof gateEvidenceSchema>;
export type GateName = GateEvidence['gate'];
