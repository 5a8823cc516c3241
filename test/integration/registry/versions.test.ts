import { ObjectId, type Db } from 'mongodb';
import {
  BlobNotFoundError,
  ChecksumMismatchError,
  DuplicateVersionError,
  InvalidSemverError,
  ModelConflictError,
  UnknownModelError,
  type Registry,
} from '../../../src/registry';
import { caught, openRegistry, uploadArtifact, versionInput } from './fixtures';
import { InputError } from '../../../src/validation/input-error';

let db: Db;
let registry: Registry;
let close: () => Promise<void>;

beforeAll(async () => {
  ({ db, registry, close } = await openRegistry('regver'));
  await registry.createModel({ name: 'recs', owner: 'team-reco', description: 'home feed', actor: 'user:alice' });
});
afterAll(() => close());

const versionsOf = (model: string) => db.collection('model_versions').find({ model }).toArray();

describe('models', () => {
  it('creates a model with a manual trigger by default, idempotently', async () => {
    const again = await registry.createModel({ name: 'recs', owner: 'team-reco', description: 'home feed', actor: 'user:bob' });
    expect(again).toMatchObject({ _id: 'recs', owner: 'team-reco', trigger: 'manual', createdBy: 'user:alice' });
    expect(await db.collection('models').countDocuments({ _id: 'recs' as never })).toBe(1);
  });

  it('refuses to redefine a model with a different spec and changes nothing', async () => {
    const error = await caught(() => registry.createModel({ name: 'recs', owner: 'team-other', trigger: 'auto', actor: 'user:bob' }));
    expect(error).toBeInstanceOf(ModelConflictError);
    expect(error.message).toMatch(/different owner, description, trigger/);
    expect(await registry.getModel('recs')).toMatchObject({ owner: 'team-reco', trigger: 'manual' });
  });

  it('validates model names', async () => {
    const error = await caught(() => registry.createModel({ name: 'Recs!', owner: 'x', actor: 'user:a' }));
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toMatch(/name: must be 1-63 lowercase letters/);
    expect(await db.collection('models').countDocuments()).toBe(1);
  });
});

describe('registering versions', () => {
  it('registers a version and reads every field back', async () => {
    const input = await versionInput(registry, 'recs', '1.0.0');
    const stored = await registry.registerVersion(input);
    const read = await registry.getVersion('recs', '1.0.0');
    expect(read).toEqual(stored);
    expect(read).toMatchObject({
      model: 'recs',
      version: '1.0.0',
      semver: { major: 1, minor: 0, patch: 0 },
      artifact: { fileId: input.artifact.fileId, sha256: input.artifact.sha256, length: 4096 },
      metadata: input.metadata,
      createdBy: 'service:trainer',
      status: 'registered',
      revision: 0,
    });
    expect(read!.createdAt).toBeInstanceOf(Date);
    expect(read!.history).toEqual([{ from: null, to: 'registered', at: read!.createdAt, actor: 'service:trainer', reason: 'version registered' }]);
  });

  it('refuses a duplicate version and leaves the original untouched', async () => {
    const before = await registry.getVersion('recs', '1.0.0');
    const error = await caught(async () => registry.registerVersion(await versionInput(registry, 'recs', '1.0.0')));
    expect(error).toBeInstanceOf(DuplicateVersionError);
    expect(error.code).toBe('DUPLICATE_VERSION');
    expect(error.message).toMatch(/recs@1\.0\.0 is already registered/);
    expect(await registry.getVersion('recs', '1.0.0')).toEqual(before);
    expect(await versionsOf('recs')).toHaveLength(1);
  });

  it('treats a retry with the same key as the same registration', async () => {
    const input = await versionInput(registry, 'recs', '1.1.0', { key: 'wf-7:register' });
    const first = await registry.registerVersion(input);
    const retried = await registry.registerVersion(input);
    expect(retried).toEqual(first);
    expect((await versionsOf('recs')).filter((v) => v.version === '1.1.0')).toHaveLength(1);
  });

  it.each(['1.2', '01.0.0', 'v2.0.0', '2.0.0-rc1'])('refuses the bad semver %j and writes nothing', async (version) => {
    const before = await versionsOf('recs');
    const error = await caught(async () => registry.registerVersion(await versionInput(registry, 'recs', version)));
    expect(error).toBeInstanceOf(InvalidSemverError);
    expect(error.code).toBe('INVALID_SEMVER');
    expect(error.message).toMatch(new RegExp(`version: "${version}" must be a semantic version major\\.minor\\.patch`));
    expect(await versionsOf('recs')).toEqual(before);
  });

  it('refuses a version of an unknown model and writes nothing', async () => {
    const error = await caught(async () => registry.registerVersion(await versionInput(registry, 'ghost', '1.0.0')));
    expect(error).toBeInstanceOf(UnknownModelError);
    expect(error.message).toMatch(/no model named "ghost"; create it with createModel first/);
    expect(await versionsOf('ghost')).toEqual([]);
    expect(await db.collection('models').countDocuments({ _id: 'ghost' as never })).toBe(0);
  });

  it('refuses an artifact reference whose sha256 is not the stored one, or that does not exist', async () => {
    const real = await uploadArtifact(registry);
    const wrongSha = await caught(async () =>
      registry.registerVersion({ ...(await versionInput(registry, 'recs', '3.0.0')), artifact: { fileId: real.fileId, sha256: 'e'.repeat(64) } }),
    );
    expect(wrongSha).toBeInstanceOf(ChecksumMismatchError);
    expect(wrongSha.message).toMatch(/artifact\.sha256: declared sha256 e{64} does not match/);
    const missing = await caught(async () =>
      registry.registerVersion({ ...(await versionInput(registry, 'recs', '3.0.0')), artifact: { fileId: new ObjectId(), sha256: real.sha256 } }),
    );
    expect(missing).toBeInstanceOf(BlobNotFoundError);
    expect(await registry.getVersion('recs', '3.0.0')).toBeNull();
  });

  it('names every invalid metadata field', async () => {
    const input = await versionInput(registry, 'recs', '4.0.0');
    const error = await caught(() =>
      registry.registerVersion({ ...input, metadata: { ...input.metadata, codeVersion: '', metrics: { auc: Number.POSITIVE_INFINITY }, tags: ['Bad Tag'] } }),
    );
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toMatch(/metadata\.codeVersion: must identify the training code/);
    expect(error.message).toMatch(/metadata\.metrics\.auc: /);
    expect(error.message).toMatch(/metadata\.tags\[0\]: must be 1-64 lowercase/);
    expect(await registry.getVersion('recs', '4.0.0')).toBeNull();
  });

  it('lists versions newest first by semantic version', async () => {
    await registry.registerVersion(await versionInput(registry, 'recs', '1.10.0'));
    await registry.registerVersion(await versionInput(registry, 'recs', '1.9.3'));
    expect((await registry.listVersions('recs')).map((v) => v.version)).toEqual(['1.10.0', '1.9.3', '1.1.0', '1.0.0']);
    expect((await registry.listVersions('recs', { status: 'production' })).length).toBe(0);
  });
});
