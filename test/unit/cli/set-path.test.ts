import { CliError } from '../../../src/cli/exit-codes';
import { setPath } from '../../../src/cli/options';

const refusal = (target: Record<string, unknown>, path: string) => {
  try {
    setPath(target, path, 1);
  } catch (err) {
    return err as CliError;
  }
  throw new Error(`--set ${path} was accepted`);
};

describe('--set path=value', () => {
  it('sets nested fields, creating objects on the way', () => {
    const spec: Record<string, unknown> = { rollout: { window: '10m' } };
    setPath(spec, 'rollout.checkInterval', '30s');
    setPath(spec, 'gates.scenarios.latencyBudgetP99Ms', 50);
    expect(spec).toEqual({ rollout: { window: '10m', checkInterval: '30s' }, gates: { scenarios: { latencyBudgetP99Ms: 50 } } });
  });

  it('keeps a list a list: an index sets that item, and a new list is created where an index follows', () => {
    const spec: Record<string, unknown> = { rollout: { stages: [{ name: 'canary', percent: 10 }, { name: 'full', percent: 100 }] } };
    setPath(spec, 'rollout.stages.0.percent', 5);
    expect(spec.rollout).toEqual({ stages: [{ name: 'canary', percent: 5 }, { name: 'full', percent: 100 }] });
    const fresh: Record<string, unknown> = {};
    setPath(fresh, 'approval.approvers.0', 'bob');
    expect(fresh).toEqual({ approval: { approvers: ['bob'] } });
  });

  it('refuses a segment that would reach a prototype, and changes nothing', () => {
    for (const path of ['__proto__.polluted', 'rollout.constructor.prototype.polluted', 'a.prototype']) {
      const spec: Record<string, unknown> = {};
      const err = refusal(spec, path);
      expect(err).toBeInstanceOf(CliError);
      expect(err.message).toMatch(new RegExp(`^--set ${path.replace(/\./g, '\\.')}: "(__proto__|constructor|prototype)" is not a field of the spec$`));
      expect(spec).toEqual({});
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses a name where a list needs an index, and an index past the end', () => {
    const spec = { rollout: { stages: [{ percent: 100 }] } };
    expect(refusal(spec, 'rollout.stages.first.percent').message).toBe('--set rollout.stages.first.percent: rollout.stages is a list; give an index, e.g. rollout.stages.0');
    expect(refusal(spec, 'rollout.stages.5.percent').message).toBe('--set rollout.stages.5.percent: rollout.stages has 1 item(s); the index must be at most 1');
    expect(spec).toEqual({ rollout: { stages: [{ percent: 100 }] } });
  });
});
