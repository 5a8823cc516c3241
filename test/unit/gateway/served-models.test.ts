import { createServedModels } from '../../../src/gateway/served-models';
import { artifactSha256, encodeArtifact } from '../../../src/models';
import type { RouteDoc } from '../../../src/routing';
import { integerModel } from '../models/fixtures';

const bytes = encodeArtifact(integerModel(5, 20, 4, 7));
const sha = artifactSha256(bytes);

function route(model: string, stable: string, candidate: string | null): RouteDoc {
  return {
    _id: model, generation: 1, stable: { version: stable, sha256: sha }, candidate: candidate ? { version: candidate, sha256: sha, percent: 50 } : null, shadow: null,
    killSwitch: 'off', updatedAt: new Date(), updatedBy: 't', reason: 't', changeKey: `${model}:1`,
  };
}

describe('served models', () => {
  it('labels each version by its own name when two versions, and two models, share the same bytes', async () => {
    let fetches = 0;
    const served = createServedModels(async () => (fetches++, bytes));
    await served.sync([route('recs', '1.0.0', '1.1.0'), route('other', '3.0.0', null)]);
    const recs = served.get('recs')!;
    expect([...recs.models.keys()].sort()).toEqual(['1.0.0', '1.1.0']);
    expect(recs.models.get('1.0.0')!.version).toBe('1.0.0');
    expect(recs.models.get('1.1.0')!.version).toBe('1.1.0');
    expect(served.get('other')!.models.get('3.0.0')!.version).toBe('3.0.0');
    // The bytes are fetched and loaded once; only the labels differ.
    expect(fetches).toBe(1);
    expect(recs.models.get('1.1.0')!.scorer).toBe(served.get('other')!.models.get('3.0.0')!.scorer);
  });
});
