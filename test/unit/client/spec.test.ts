import { join } from 'node:path';
import { readSpecFile } from '../../../src/client/read-spec';
import { parseSpec, SpecError } from '../../../src/client/start-pipeline';

describe('pipeline spec at the edge', () => {
  const example = readSpecFile(join(__dirname, '../../../examples/pipeline-spec.yaml')) as Record<string, unknown>;
  const withData = { ...example, datasets: { train: 'a'.repeat(64), validation: 'b'.repeat(64) } };

  it('reads the YAML example and fills the defaults', () => {
    const spec = parseSpec(withData);
    expect(spec.rollout.stages.map((s) => s.percent)).toEqual([100, 5, 25, 50, 100]);
    expect(spec.gates.validation.minRecall).toBe(0);
    expect(spec.rollout.judge).toMatchObject({ kind: 'statistical', alpha: 0.01, undecided: { then: 'pause' } });
    expect(spec.approval.deadline).toBe('72h');
  });

  it('names every wrong field and its rule, and unknown fields', () => {
    let caught: unknown;
    try {
      parseSpec({ ...withData, version: '1.1', rollout: { window: 'soon' }, colour: 'blue' });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(SpecError);
    expect((caught as SpecError).problems).toEqual(expect.arrayContaining([
      expect.stringMatching(/^version: must be a semantic version/),
      expect.stringMatching(/^rollout\.window: must be a duration/),
      'colour: not a field of the spec',
    ]));
  });

  it('refuses durations past 90 days, naming each field: a window that would hold the lock for ever, a deadline in the year 29405', () => {
    let caught: unknown;
    try {
      parseSpec({ ...withData, rollout: { window: '99999999999999999999h', bake: '91d' }, approval: { approvers: ['bob'], deadline: '10000000d' } });
    } catch (err) {
      caught = err;
    }
    expect((caught as SpecError).problems).toEqual(expect.arrayContaining(['rollout.window: must be at most 90d', 'rollout.bake: must be at most 90d', 'approval.deadline: must be at most 90d']));
    expect(parseSpec({ ...withData, rollout: { window: '90d', checkInterval: '1h', bake: '2160h' } }).rollout.window).toBe('90d');
  });

  it('refuses a rollout that never reaches 100% and an approval by the submitter alone', () => {
    expect(() => parseSpec({ ...withData, rollout: { stages: [{ name: 'canary', kind: 'traffic', percent: 5 }] } })).toThrow(/rollout\.stages: must end with a traffic stage at 100 percent/);
    expect(() => parseSpec({ ...withData, approval: { approvers: ['alice'] } })).toThrow(/approval\.approvers: must name someone other than the submitter/);
  });
});
