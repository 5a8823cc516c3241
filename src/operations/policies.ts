import type { Db } from 'mongodb';
import type { AuditLog } from '../audit';
import { parseSpec, SpecError } from '../client/start-pipeline';
import {
  DEFAULT_MONITORING_POLICY,
  drillPolicySchema,
  monitoringPolicySchema,
  modelPolicyInputSchema,
  type ModelPolicy,
  type ModelPolicyInput,
} from '../contracts/model-policy';
import type { PipelineSpec } from '../contracts/pipeline-spec';
import { createRegistry, UnknownModelError } from '../registry';
import { InputError, parseInput } from '../validation/input-error';

export const MODEL_POLICIES = 'model_policies';

interface PolicyDoc {
  _id: string;
  monitoring: ModelPolicy['monitoring'];
  drill: ModelPolicy['drill'];
  pipeline: ModelPolicy['pipeline'];
  revision: number;
  updatedBy: string;
  updatedAt: Date;
}

/** Fills a template in for one version; the submitter is whoever registered the version. */
export function specFromTemplate(template: Record<string, unknown>, model: string, version: string, submitter: string): PipelineSpec {
  return parseSpec({ specVersion: 1, ...template, model, version, submitter: submitter.replace(/^user:/, '') });
}

/** A model's operations policy; a model nobody configured gets the documented defaults and no drill or template. */
export async function getModelPolicy(db: Db, model: string): Promise<ModelPolicy> {
  const doc = await db.collection<PolicyDoc>(MODEL_POLICIES).findOne({ _id: model });
  if (!doc) return { model, monitoring: DEFAULT_MONITORING_POLICY, drill: null, pipeline: null, revision: 0, updatedBy: null, updatedAt: null };
  // Parsed again on read, so a policy stored before a field existed gets that field's default.
  const monitoring = monitoringPolicySchema.parse(doc.monitoring);
  const drill = doc.drill ? drillPolicySchema.parse(doc.drill) : null;
  return { model, monitoring, drill, pipeline: doc.pipeline, revision: doc.revision, updatedBy: doc.updatedBy, updatedAt: doc.updatedAt.toISOString() };
}

/**
 * Replaces a model's policy after validating all of it (a pipeline template is checked by filling it in for a
 * placeholder version), and audits the change. Invalid input changes nothing.
 */
export async function setModelPolicy(db: Db, auditLog: AuditLog, model: string, input: ModelPolicyInput, actor: string): Promise<ModelPolicy> {
  if (!(await createRegistry(db).getModel(model))) throw new UnknownModelError(model);
  const parsed = parseInput('setModelPolicy', modelPolicyInputSchema, input);
  if (parsed.pipeline) {
    try {
      specFromTemplate(parsed.pipeline, model, '0.0.0', 'policy-check');
    } catch (err) {
      if (!(err instanceof SpecError)) throw err;
      throw new InputError('setModelPolicy', err.issues.map((i) => ({ field: `pipeline.${i.field}`, rule: i.rule })));
    }
  }
  const policies = db.collection<PolicyDoc>(MODEL_POLICIES);
  const previous = await policies.findOne({ _id: model });
  const doc: PolicyDoc = {
    _id: model,
    monitoring: parsed.monitoring,
    drill: parsed.drill ?? null,
    pipeline: parsed.pipeline ?? null,
    revision: (previous?.revision ?? 0) + 1,
    updatedBy: actor,
    updatedAt: new Date(),
  };
  await policies.replaceOne({ _id: model }, doc, { upsert: true });
  await auditLog.append({
    eventId: `policy:${model}:${doc.revision}`,
    type: 'policy.updated',
    actor,
    subject: { model },
    pipelineId: `policy-${model}`,
    outcome: 'success',
    evidence: JSON.parse(JSON.stringify({ revision: doc.revision, monitoring: doc.monitoring, drill: doc.drill, pipeline: doc.pipeline })) as Record<string, never>,
    source: 'operations/policies',
  });
  return getModelPolicy(db, model);
}
