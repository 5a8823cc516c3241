import { z } from 'zod';
import { MODEL_NAME_PATTERN, MODEL_NAME_RULE, SEMVER_PATTERN, SEMVER_RULE } from '../contracts/primitives';
import { jsonObjectSchema } from './json';

export const AUDIT_OUTCOMES = ['success', 'failure', 'refused'] as const;
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];

/** Version of the hashed layout; bump it (and teach verify both) if the hashed fields ever change. */
export const AUDIT_FORMAT = 1;

const printable = (max: number, example: string) =>
  z.string().regex(new RegExp(`^[\\x21-\\x7e]{1,${max}}$`), `must be 1-${max} printable ASCII characters without spaces, e.g. "${example}"`);
const hashSchema = z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex digits');

export const auditSubjectSchema = z
  .object({
    model: z.string().regex(MODEL_NAME_PATTERN, MODEL_NAME_RULE),
    version: z.string().regex(SEMVER_PATTERN, SEMVER_RULE).optional(),
  })
  .strict();
export type AuditSubject = z.infer<typeof auditSubjectSchema>;

/**
 * What a caller appends: the NIST SP 800-53 AU-3 content of an event. What happened (type), when (at), where and by
 * which component (source), the outcome, who acted (actor), on what (subject), in which pipeline run (pipelineId,
 * the Temporal workflow id) and on what evidence.
 */
export const auditEventInputSchema = z
  .object({
    /** Deterministic per step, e.g. `${workflowId}:${stepKey}`: a retried activity appends the same id. */
    eventId: printable(256, 'deploy-recs-1.4.2:approval'),
    type: z
      .string()
      .max(100, 'must be at most 100 characters')
      .regex(/^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$/, 'must be dot-separated lowercase words, e.g. "approval.granted"'),
    /** When the event happened; defaults to the time of the first append. */
    at: z.date({ message: 'must be a Date' }).optional(),
    actor: z.string().trim().min(1, 'must name who acted, e.g. "user:alice" or "service:worker"').max(256),
    subject: auditSubjectSchema,
    pipelineId: printable(256, 'deploy-recs-1.4.2'),
    outcome: z.enum(AUDIT_OUTCOMES, { message: `must be one of ${AUDIT_OUTCOMES.join(', ')}` }),
    evidence: jsonObjectSchema.default({}),
    source: z.string().regex(/^[a-z][a-z0-9._/-]{0,99}$/, 'must name the component in lowercase, e.g. "activities/approval"'),
  })
  .strict();
export type AuditEventInput = z.input<typeof auditEventInputSchema>;
export type ParsedAuditEvent = z.output<typeof auditEventInputSchema>;

/** A stored event: its content, its place in its pipeline's chain and in the global chain, and its MAC. */
export const storedAuditEventSchema = auditEventInputSchema.extend({
  _id: printable(256, 'deploy-recs-1.4.2:approval'),
  v: z.literal(AUDIT_FORMAT),
  at: z.date(),
  evidence: jsonObjectSchema,
  seq: z.number().int().positive(),
  prevHash: hashSchema,
  hash: hashSchema,
  globalSeq: z.number().int().positive(),
  globalPrevHash: hashSchema,
  globalHash: hashSchema,
  mac: hashSchema,
});
export type StoredAuditEvent = z.output<typeof storedAuditEventSchema>;

export const auditAnchorSchema = z.object({ globalSeq: z.number().int().positive(), globalHash: hashSchema }).strict();
/** A point of the global chain recorded outside the database (e.g. in workflow history), to detect truncation. */
export type AuditAnchor = z.infer<typeof auditAnchorSchema>;
