import { compareSemver, formatSemver, MODEL_NAME_PATTERN, parseSemver } from '../../../src/registry/semver';

describe('semver', () => {
  it('parses major.minor.patch', () => {
    expect(parseSemver('1.4.2')).toEqual({ major: 1, minor: 4, patch: 2 });
    expect(parseSemver('0.0.0')).toEqual({ major: 0, minor: 0, patch: 0 });
    expect(formatSemver({ major: 10, minor: 0, patch: 3 })).toBe('10.0.3');
  });

  it.each(['1.2', '1.2.3.4', '01.2.3', '1.02.3', 'v1.2.3', '1.2.3-rc.1', '1.2.3+build', ' 1.2.3', '-1.2.3', '', '9007199254740993.0.0'])(
    'rejects %j',
    (text) => expect(parseSemver(text)).toBeNull(),
  );

  it('orders numerically, not lexically', () => {
    const versions = ['1.10.0', '1.2.0', '1.2.10', '1.2.9', '0.9.9'].map((v) => parseSemver(v)!);
    expect(versions.sort(compareSemver).map(formatSemver)).toEqual(['0.9.9', '1.2.0', '1.2.9', '1.2.10', '1.10.0']);
  });

  it('validates model names', () => {
    for (const ok of ['recs', 'recs-v2', '0day', 'a'.repeat(63)]) expect(MODEL_NAME_PATTERN.test(ok)).toBe(true);
    for (const bad of ['', 'Recs', '-recs', 'recs_v2', 'recs:1', 'a'.repeat(64)]) expect(MODEL_NAME_PATTERN.test(bad)).toBe(false);
  });
});
