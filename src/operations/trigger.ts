import type { Client } from '@temporalio/client';
import type { Db } from 'mongodb';
import { startPipeline } from '../client/start-pipeline';
import type { Signature } from '../contracts/identity';
import { createRegistry } from '../registry';
import { getModelPolicy, specFromTemplate } from './policies';

export type TriggerResult =
  | { triggered: false; reason: string }
  | { triggered: true; workflowId: string; started: boolean };

/**
 * What registering a version sets off. Under an `auto` trigger, the version's pipeline starts from the model's
 * template. The workflow id is the version's own, and a finished pipeline's id is never reused, so a retried
 * registration, or two at once, start it exactly once. The registrant submits it, and `signStart` signs the start as
 * theirs, as `deploy` would.
 */
export async function triggerOnRegistration(
  db: Db,
  client: Client,
  taskQueue: string,
  model: string,
  version: string,
  signStart: (submitter: string) => Promise<Signature | undefined> = async () => undefined,
): Promise<TriggerResult> {
  const registry = createRegistry(db);
  const doc = await registry.getModel(model);
  if (!doc) return { triggered: false, reason: `no model named ${model}` };
  if (doc.trigger !== 'auto') return { triggered: false, reason: `${model} deploys on demand (trigger manual)` };
  const found = await registry.getVersion(model, version);
  if (!found) return { triggered: false, reason: `${model} has no version ${version}` };
  const policy = await getModelPolicy(db, model);
  if (!policy.pipeline) {
    return { triggered: false, reason: `${model} has an auto trigger but no pipeline template: set one with modelship policy set` };
  }
  const spec = specFromTemplate(policy.pipeline, model, version, found.createdBy);
  const signature = await signStart(spec.submitter);
  if (signature) spec.signature = signature;
  const { workflowId, started } = await startPipeline(client, spec, taskQueue, 'REJECT_DUPLICATE');
  return { triggered: true, workflowId, started };
}
