import { isDuplicateKeyError } from '../db/duplicate-key';
import type { RegistryCollections } from './collections';
import { ModelConflictError, UnknownModelError } from './errors';
import { createModelInputSchema, modelNameSchema, type CreateModelInput, type ModelDoc } from './schemas';
import { parseInput } from '../validation/input-error';

export type Clock = () => Date;

const SPEC_FIELDS = ['owner', 'description', 'trigger'] as const;

/**
 * Creates a model, or returns it if it already exists with the same owner, description and trigger, so a retried
 * activity gets the same answer. A different spec under the same name is a conflict, never silently overwritten.
 */
export async function createModel(cols: RegistryCollections, clock: Clock, input: CreateModelInput): Promise<ModelDoc> {
  const spec = parseInput('createModel', createModelInputSchema, input);
  const doc: ModelDoc = {
    _id: spec.name,
    name: spec.name,
    owner: spec.owner,
    description: spec.description,
    trigger: spec.trigger,
    createdBy: spec.actor,
    createdAt: clock(),
  };
  try {
    await cols.models.insertOne(doc);
    return doc;
  } catch (error) {
    if (!isDuplicateKeyError(error)) throw error;
  }
  const existing = await cols.models.findOne({ _id: spec.name });
  if (!existing) throw new Error(`createModel: "${spec.name}" reported as duplicate but not found`);
  const differing = SPEC_FIELDS.filter((f) => existing[f] !== doc[f]);
  if (differing.length > 0) throw new ModelConflictError(spec.name, differing);
  return existing;
}

export async function getModel(cols: RegistryCollections, name: string): Promise<ModelDoc | null> {
  return modelNameSchema.safeParse(name).success ? cols.models.findOne({ _id: name }) : null;
}

/** Every registered model, by name. */
export async function listModels(cols: RegistryCollections): Promise<ModelDoc[]> {
  return cols.models.find({}).sort({ _id: 1 }).toArray();
}

export async function requireModel(cols: RegistryCollections, name: string): Promise<ModelDoc> {
  const model = await cols.models.findOne({ _id: name });
  if (!model) throw new UnknownModelError(name);
  return model;
}
