import { ObjectId } from 'mongodb';
import { InvalidSemverError } from '../../../src/registry/errors';
import { moveAliasInputSchema, registerVersionInputSchema } from '../../../src/registry/schemas';
import { requireSemver } from '../../../src/registry/validate';
import { InputError, parseInput } from '../../../src/validation/input-error';

describe('input validation', () => {
  it('names every offending field and its rule', () => {
    const attempt = () =>
      parseInput('registerVersion', registerVersionInputSchema, {
        model: 'Bad_Name',
        version: '1.0.0',
        artifact: { fileId: 'nope', sha256: 'abc' },
        metadata: { trainingDataVersion: '', hyperparameters: { lr: Number.NaN }, codeVersion: 'abc', metrics: { auc: 'high' } },
        createdBy: 'user:a',
      });
    expect(attempt).toThrow(InputError);
    const error = (() => {
      try {
        attempt();
      } catch (e) {
        return e as InputError;
      }
      throw new Error('no error');
    })();
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.issues.map((i) => i.field)).toEqual(
      expect.arrayContaining(['model', 'artifact.fileId', 'artifact.sha256', 'metadata.trainingDataVersion', 'metadata.hyperparameters.lr', 'metadata.metrics.auc']),
    );
    expect(error.message).toMatch(/model: must be 1-63 lowercase letters/);
    expect(error.message).toMatch(/artifact\.sha256: must be 64 lowercase hex digits/);
  });

  it('accepts a well-formed registration', () => {
    const input = parseInput('registerVersion', registerVersionInputSchema, {
      model: 'recs',
      version: '1.0.0',
      artifact: { fileId: new ObjectId(), sha256: 'a'.repeat(64) },
      metadata: { trainingDataVersion: 'clicks-2026-01', hyperparameters: { lr: 0.01, layers: [64, 32] }, codeVersion: 'abc123', metrics: { auc: 0.8 } },
      createdBy: 'user:a',
    });
    expect(input.metadata.hyperparameters).toEqual({ lr: 0.01, layers: [64, 32] });
  });

  it('raises InvalidSemverError naming the field', () => {
    expect(() => requireSemver('registerVersion', 'version', '1.2')).toThrow(InvalidSemverError);
    expect(() => requireSemver('registerVersion', 'version', '1.2')).toThrow(/version: "1.2" must be a semantic version major.minor.patch/);
  });

  it('refuses an alias move onto the version it already holds', () => {
    expect(() =>
      parseInput('moveAlias', moveAliasInputSchema, { model: 'recs', alias: 'champion', to: '1.0.0', expected: '1.0.0', actor: 'a', reason: 'r' }),
    ).toThrow(/to: must differ from expected/);
  });
});
