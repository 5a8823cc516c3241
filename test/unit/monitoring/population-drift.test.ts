import { DEFAULT_MONITORING_POLICY, modelPolicyInputSchema } from '../../../src/contracts/model-policy';
import { populationDrift } from '../../../src/monitoring/population-drift';

const drift = DEFAULT_MONITORING_POLICY.drift;
/** 1,000 training users whose activity grows with their id: 1..1000 interactions. */
const activity = new Map(Array.from({ length: 1000 }, (_, i) => [i + 1, i + 1] as [number, number]));
const every = (n: number, pick: (i: number) => number) => Array.from({ length: n }, (_, i) => pick(i));

describe('populationDrift', () => {
  it('passes when requests come from the training users as they were', () => {
    const result = populationDrift(activity, every(2000, (i) => (i % 1000) + 1), drift);
    expect(result).toMatchObject({ samples: 2000, coldShare: 0, verdict: 'pass' });
    expect(result.psi!).toBeLessThan(0.05);
  });

  it('flags a population that moved to the heaviest users', () => {
    const result = populationDrift(activity, every(2000, (i) => 901 + (i % 100)), drift);
    expect(result.verdict).toBe('drift');
    expect(result.psi!).toBeGreaterThan(drift.maxPsi);
    expect(result.reasons.join()).toContain('population_psi');
  });

  it('flags requests from users the training data never saw', () => {
    const result = populationDrift(activity, every(1000, (i) => (i % 2 ? 50_000 + i : (i % 1000) + 1)), drift);
    expect(result.coldShare).toBeCloseTo(0.5, 5);
    expect(result.verdict).toBe('drift');
    expect(result.reasons.join()).toContain('cold_share 0.500 above 0.3');
  });

  it('does not judge a thin sample', () => {
    expect(populationDrift(activity, [1, 2, 3], drift)).toMatchObject({ verdict: 'insufficient_data', psi: null, coldShare: null });
  });
});

describe('model policy input', () => {
  it('fills in every default, and names the field and rule of what is wrong', () => {
    expect(modelPolicyInputSchema.parse({}).monitoring).toEqual(DEFAULT_MONITORING_POLICY);
    const bad = modelPolicyInputSchema.safeParse({ monitoring: { rollback: 'approval', checkInterval: '1m', window: '10s', sustainedChecks: 0 } });
    expect(bad.success).toBe(false);
    const issues = bad.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(issues).toEqual(expect.arrayContaining([
      'monitoring.sustainedChecks: must be at least 1',
      'monitoring.approvers: must name at least one approver when rollback is approval',
      'monitoring.window: must not be shorter than checkInterval',
    ]));
  });
});
