import { allowedTargets, canTransition, IN_FLIGHT, isTerminal, STATUSES, TRANSITIONS } from '../../../src/registry/lifecycle';

describe('lifecycle table', () => {
  it('has an entry for every status and only known targets', () => {
    expect(Object.keys(TRANSITIONS).sort()).toEqual([...STATUSES].sort());
    for (const targets of Object.values(TRANSITIONS)) for (const t of targets) expect(STATUSES).toContain(t);
  });

  it('walks the happy path registered -> production -> retired', () => {
    const path = ['registered', 'validating', 'awaiting_approval', 'rolling_out', 'production', 'retired'] as const;
    for (let i = 1; i < path.length; i++) expect(canTransition(path[i - 1]!, path[i]!)).toBe(true);
  });

  it('lets a saga compensate from every in-flight state and production', () => {
    for (const s of [...IN_FLIGHT, 'production' as const]) expect(canTransition(s, 'rolled_back')).toBe(true);
    expect(canTransition('registered', 'rolled_back')).toBe(false);
  });

  it('allows a retry after a rollback but not after a rejection', () => {
    expect(canTransition('rolled_back', 'validating')).toBe(true);
    expect(isTerminal('rejected')).toBe(true);
    expect(isTerminal('retired')).toBe(true);
    expect(allowedTargets('rejected')).toEqual([]);
  });

  it('has no self-loops and never skips approval', () => {
    for (const s of STATUSES) expect(canTransition(s, s)).toBe(false);
    expect(canTransition('validating', 'rolling_out')).toBe(false);
    expect(canTransition('validating', 'production')).toBe(false);
    expect(canTransition('awaiting_approval', 'production')).toBe(false);
  });
});
