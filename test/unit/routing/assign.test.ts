import { assignVariant, type RouteSpec } from '../../../src/routing';

const stable = { version: '1.0.0', sha256: 'a'.repeat(64) };
const candidate = { version: '1.1.0', sha256: 'b'.repeat(64) };
const route = (percent: number, extra: Partial<RouteSpec> = {}): RouteSpec => ({
  stable,
  candidate: { ...candidate, percent },
  shadow: null,
  killSwitch: 'off',
  ...extra,
});
const users = Array.from({ length: 20_000 }, (_, i) => String(i + 1));
const share = (spec: RouteSpec) => users.filter((u) => assignVariant('recs', u, spec).served?.role === 'candidate').length / users.length;

describe('sticky weighted assignment', () => {
  it.each([0, 5, 10, 25, 50, 100])('sends %i%% of users to the candidate', (percent) => {
    expect(share(route(percent))).toBeCloseTo(percent / 100, 2);
  });

  it('keeps every user on the candidate as its share grows', () => {
    const at = (p: number) => new Set(users.filter((u) => assignVariant('recs', u, route(p)).served?.role === 'candidate'));
    const small = at(5);
    const large = at(50);
    for (const u of small) expect(large.has(u)).toBe(true);
  });

  it('gives the same answer for the same user every time', () => {
    for (const u of users.slice(0, 500)) expect(assignVariant('recs', u, route(30))).toEqual(assignVariant('recs', u, route(30)));
  });

  it('spreads models independently, so one model\'s canary users are not every model\'s', () => {
    const a = users.filter((u) => assignVariant('a', u, route(10)).served?.role === 'candidate');
    const b = new Set(users.filter((u) => assignVariant('b', u, route(10)).served?.role === 'candidate'));
    const both = a.filter((u) => b.has(u)).length / a.length;
    expect(both).toBeLessThan(0.2);
  });

  it('serves only stable when the kill switch says stable-only', () => {
    const spec = route(50, { killSwitch: 'stable-only', shadow: { ...candidate, percent: 100 } });
    for (const u of users.slice(0, 1000)) {
      const a = assignVariant('recs', u, spec);
      expect(a.served).toEqual({ ...stable, role: 'stable' });
      expect(a.shadow).toBeNull();
      expect(a.fallbackOnly).toBe(false);
    }
  });

  it('answers every user from the fallback when the kill switch says fallback', () => {
    const a = assignVariant('recs', '7', route(50, { killSwitch: 'fallback' }));
    expect(a).toEqual({ served: { ...stable, role: 'stable' }, shadow: null, fallbackOnly: true });
  });

  it('mirrors the shadow share of requests without changing what is served', () => {
    const spec = route(0, { shadow: { ...candidate, percent: 10 } });
    const mirrored = users.filter((u) => assignVariant('recs', u, spec).shadow !== null).length / users.length;
    expect(mirrored).toBeCloseTo(0.1, 2);
    expect(share(spec)).toBe(0);
  });

  it('serves the candidate to everyone when there is no stable version yet', () => {
    expect(share({ stable: null, candidate: { ...candidate, percent: 100 }, shadow: null, killSwitch: 'off' })).toBe(1);
  });
});
