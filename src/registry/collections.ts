import type { Collection, Db } from 'mongodb';
import type { AliasHistoryDoc, ModelDoc, TransitionDoc, VersionDoc } from './schemas';

export const MODELS = 'models';
export const VERSIONS = 'model_versions';
export const VERSION_TRANSITIONS = 'version_transitions';
export const ALIAS_HISTORY = 'alias_history';

export interface RegistryCollections {
  models: Collection<ModelDoc>;
  versions: Collection<VersionDoc>;
  transitions: Collection<TransitionDoc>;
  aliasHistory: Collection<AliasHistoryDoc>;
}

export function registryCollections(db: Db): RegistryCollections {
  return {
    models: db.collection<ModelDoc>(MODELS),
    versions: db.collection<VersionDoc>(VERSIONS),
    transitions: db.collection<TransitionDoc>(VERSION_TRANSITIONS),
    aliasHistory: db.collection<AliasHistoryDoc>(ALIAS_HISTORY),
  };
}

export function versionId(model: string, version: string): string {
  return `${model}@${version}`;
}

export function transitionRowId(model: string, version: string, revision: number): string {
  return `${versionId(model, version)}#${revision}`;
}

/** Model names cannot contain ':' and alias names are fixed, so this is an unambiguous (model, alias, revision) key. */
export function aliasRowId(model: string, alias: string, revision: number): string {
  return `${model}:${alias}:${revision}`;
}
