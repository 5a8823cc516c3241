import type { Collection, Db } from 'mongodb';
import type { AliasHistoryDoc, ModelDoc, TransitionDoc, VersionDoc } from './schemas';

export const MODELS = 'models';
export const VERSIONS = 'model_versions';
export const VERSION_TRANSITIONS = 'version_transitions';
export const ALIAS_HISTORY = 'alias_history';
/** Per model, its versions in the order they were registered, numbered without gaps (`<model>#<k>`). */
export const VERSION_LISTS = 'version_lists';
/** Per model, a place at or below the end of its list: where finding the end starts. */
export const VERSION_LIST_ENDS = 'version_list_ends';
/** Per alias, a revision at or below its newest: where reading its rows forward starts. */
export const ALIAS_HEADS = 'alias_heads';

export interface RegistryCollections {
  models: Collection<ModelDoc>;
  versions: Collection<VersionDoc>;
  transitions: Collection<TransitionDoc>;
  aliasHistory: Collection<AliasHistoryDoc>;
  aliasHeads: Collection<{ _id: string; revision: number }>;
  versionLists: Collection<VersionListDoc>;
  versionListEnds: Collection<{ _id: string; n: number }>;
}

/** The kth version registered of a model. A claim made before the version's own document: see version-list.ts. */
export interface VersionListDoc {
  _id: string;
  model: string;
  version: string;
}

export function registryCollections(db: Db): RegistryCollections {
  return {
    models: db.collection<ModelDoc>(MODELS),
    versions: db.collection<VersionDoc>(VERSIONS),
    transitions: db.collection<TransitionDoc>(VERSION_TRANSITIONS),
    aliasHistory: db.collection<AliasHistoryDoc>(ALIAS_HISTORY),
    aliasHeads: db.collection<{ _id: string; revision: number }>(ALIAS_HEADS),
    versionLists: db.collection<VersionListDoc>(VERSION_LISTS),
    versionListEnds: db.collection<{ _id: string; n: number }>(VERSION_LIST_ENDS),
  };
}

export function versionId(model: string, version: string): string {
  return `${model}@${version}`;
}

export function transitionRowId(model: string, version: string, revision: number): string {
  return `${versionId(model, version)}#${revision}`;
}

/** Model names cannot contain '#'. */
export function versionListId(model: string, k: number): string {
  return `${model}#${k}`;
}

/** Model names cannot contain ':' and alias names are fixed, so this is an unambiguous (model, alias, revision) key. */
export function aliasRowId(model: string, alias: string, revision: number): string {
  return `${model}:${alias}:${revision}`;
}
