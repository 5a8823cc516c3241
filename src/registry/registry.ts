import type { Db } from 'mongodb';
import { aliasAt, aliasHistory, getAlias, moveAlias, type AliasState } from './aliases';
import { createBlobStore, type BlobStore } from './blob-store';
import { registryCollections } from './collections';
import type { Status } from './lifecycle';
import { createModel, getModel, listModels, type Clock } from './models';
import type {
  AliasHistoryDoc,
  AliasName,
  CreateModelInput,
  ModelDoc,
  ModelVersion,
  MoveAliasInput,
  RegisterVersionInput,
  TransitionInput,
} from './schemas';
import { transition } from './transitions';
import { getVersion, listVersions, registerVersion } from './versions';

export interface Registry {
  /** Bucket `artifacts`: model artifacts, content-addressed by sha256. */
  readonly artifacts: BlobStore;
  /** Bucket `datasets`: training and evaluation data, content-addressed by sha256. */
  readonly datasets: BlobStore;
  createModel(input: CreateModelInput): Promise<ModelDoc>;
  getModel(name: string): Promise<ModelDoc | null>;
  listModels(): Promise<ModelDoc[]>;
  registerVersion(input: RegisterVersionInput): Promise<ModelVersion>;
  getVersion(model: string, version: string): Promise<ModelVersion | null>;
  listVersions(model: string, options?: { status?: Status; limit?: number }): Promise<ModelVersion[]>;
  transition(input: TransitionInput): Promise<ModelVersion>;
  moveAlias(input: MoveAliasInput): Promise<AliasHistoryDoc>;
  getAlias(model: string, alias: AliasName): Promise<AliasState>;
  aliasAt(model: string, alias: AliasName, at: Date): Promise<string | null>;
  aliasHistory(model: string, alias: AliasName): Promise<AliasHistoryDoc[]>;
}

export interface RegistryOptions {
  /** Time source for recorded timestamps; tests inject one. */
  clock?: Clock;
  /** Part size for new uploads (255 KiB by default). */
  chunkSizeBytes?: number;
}

/** The model registry over an injected database. Call ensureIndexes(db) once at start-up before using it. */
export function createRegistry(db: Db, options: RegistryOptions = {}): Registry {
  const cols = registryCollections(db);
  const clock = options.clock ?? (() => new Date());
  const blobOptions = options.chunkSizeBytes ? { chunkSizeBytes: options.chunkSizeBytes } : {};
  const artifacts = createBlobStore(db, 'artifacts', blobOptions);
  const datasets = createBlobStore(db, 'datasets', blobOptions);
  return {
    artifacts,
    datasets,
    createModel: (input) => createModel(cols, clock, input),
    getModel: (name) => getModel(cols, name),
    listModels: () => listModels(cols),
    registerVersion: (input) => registerVersion(cols, artifacts, clock, input),
    getVersion: (model, version) => getVersion(cols, model, version),
    listVersions: (model, opts) => listVersions(cols, model, opts),
    transition: (input) => transition(cols, clock, input),
    moveAlias: (input) => moveAlias(cols, clock, input),
    getAlias: (model, alias) => getAlias(cols, model, alias),
    aliasAt: (model, alias, at) => aliasAt(cols, model, alias, at),
    aliasHistory: (model, alias) => aliasHistory(cols, model, alias),
  };
}
