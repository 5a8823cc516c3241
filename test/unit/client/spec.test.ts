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

  it('refuses unknown fields at every depth, naming each where it was written', () => {
    const spec = {
      ...withData,
      datasets: { ...withData.datasets as object, trian: 'x' },
      approval: { aprovers: ['bob'], approvers: ['bob'] },
      rollout: { windw: '10m', stages: [{ name: 'full', kind: 'traffic', percent: 100, percnt: 5 }], thresholds: { maxErorRate: 0.1 } },
      gates: { validation: { minNdgc: 0.2 } },
      notify: { recipients: [], cc: [] },
    };
    let caught: unknown;
    try {
      parseSpec(spec);
    } catch (err) {
      caught = err;
    }
    expect((caught as SpecError).problems).toEqual(expect.arrayContaining([
      'datasets.trian: not a field of the spec',
      'approval.aprovers: not a field of the spec',
      'rollout.windw: not a field of the spec',
      'rollout.stages[0].percnt: not a field of the spec',
      'rollout.thresholds.maxErorRate: not a field of the spec',
      'gates.validation.minNdgc: not a field of the spec',
      'notify.cc: not a field of the spec',
    ]));
  });

  it('bounds counts: stages, approvers and recipients', () => {
    const stages = Array.from({ length: 21 }, (_, i) => ({ name: `s${i}`, kind: 'traffic', percent: (i + 1) * 4.7 > 100 ? 100 : (i + 1) * 4.7 }));
    const many = Array.from({ length: 51 }, (_, i) => `approver-${i}`);
    let caught: unknown;
    try {
      parseSpec({ ...withData, rollout: { stages }, approval: { approvers: many }, notify: { recipients: many.map((a) => `${a}@example.test`) } });
    } catch (err) {
      caught = err;
    }
    expect((caught as SpecError).problems).toEqual(expect.arrayContaining(['rollout.stages: must name at most 20 stages', 'approval.approvers: must name at most 50 approvers', 'notify.recipients: must name at most 50 recipients']));
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

  it('fills the latency defaults, a p95 ratio of 1.5 to the champion under a 50 ms ceiling, and refuses a ratio under 1', () => {
    const { scenarios } = parseSpec({ ...withData, gates: {} }).gates;
    expect([scenarios.latencyMaxRatio, scenarios.latencyBudgetP99Ms]).toEqual([1.5, 50]);
    expect(() => parseSpec({ ...withData, gates: { scenarios: { latencyMaxRatio: 0.9 } } })).toThrow(/gates\.scenarios\.latencyMaxRatio: must be at least 1/);
  });

  it('refuses a rollout that never reaches 100% and an approval by the submitter alone', () => {
    expect(() => parseSpec({ ...withData, rollout: { stages: [{ name: 'canary', kind: 'traffic', percent: 5 }] } })).toThrow(/rollout\.stages: must end with a traffic stage at 100 percent/);
    expect(() => parseSpec({ ...withData, approval: { approvers: ['alice'] } })).toThrow(/approval\.approvers: must name someone other than the submitter/);
  });
});
