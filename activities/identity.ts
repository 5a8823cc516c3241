import type { Db } from 'mongodb';
import type { PipelineActivities } from '../src/contracts/pipeline-activities';
import { createPeopleStore } from '../src/identity/people';
import { createSignatureUses } from '../src/identity/signature-uses';
import { verifyIdentity } from '../src/identity/verify-identity';
import type { Registry } from '../src/registry';

export function createIdentityActivities(db: Db, registry: Registry): Pick<PipelineActivities, 'verifyIdentity'> {
  const deps = {
    people: createPeopleStore(db),
    uses: createSignatureUses(db),
    artifactOf: async (model: string, version: string) => (await registry.getVersion(model, version))?.artifact.sha256 ?? null,
    now: () => new Date(),
  };
  return { verifyIdentity: (req) => verifyIdentity(deps, req) };
}
