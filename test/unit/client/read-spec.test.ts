import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MAX_SPEC_FILE_BYTES, readSpecFile } from '../../../src/client/read-spec';
import { InputError } from '../../../src/validation/input-error';

describe('reading a spec or policy file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'modelship-spec-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const refusal = (path: string) => {
    try {
      readSpecFile(path);
    } catch (err) {
      return err as InputError;
    }
    throw new Error(`${path} was read`);
  };

  it('reads YAML and JSON by the extension', () => {
    writeFileSync(join(dir, 'spec.yaml'), 'model: recs\nrollout:\n  window: 10m\n');
    writeFileSync(join(dir, 'spec.json'), '{"model":"recs"}');
    expect(readSpecFile(join(dir, 'spec.yaml'))).toEqual({ model: 'recs', rollout: { window: '10m' } });
    expect(readSpecFile(join(dir, 'spec.json'))).toEqual({ model: 'recs' });
  });

  it('refuses a 50 MB file by its size, before reading it, naming the file and the limit', () => {
    const big = join(dir, 'big.yaml');
    writeFileSync(big, '');
    truncateSync(big, 50 * 1024 * 1024);
    const err = refusal(big);
    expect(err).toBeInstanceOf(InputError);
    expect(err.problems).toEqual([`${big}: is ${50 * 1024 * 1024} bytes; a spec or policy file may be at most ${MAX_SPEC_FILE_BYTES} bytes (1 MiB)`]);
  });

  it('names the file for a missing file and for broken YAML or JSON, in its own words', () => {
    expect(refusal(join(dir, 'missing.yaml')).problems).toEqual([`${join(dir, 'missing.yaml')}: cannot be read (ENOENT)`]);
    writeFileSync(join(dir, 'broken.yaml'), 'model: [recs\n');
    expect(refusal(join(dir, 'broken.yaml')).problems[0]).toMatch(/broken\.yaml: is not valid YAML: /);
    writeFileSync(join(dir, 'broken.json'), '{"model":');
    expect(refusal(join(dir, 'broken.json')).problems[0]).toMatch(/broken\.json: is not valid JSON \(.*\); name YAML files \.yaml or \.yml$/);
  });
});
