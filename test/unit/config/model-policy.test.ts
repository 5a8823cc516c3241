import { describeIssues, formatIssues } from '../../../src/validation/issues';
import { modelPolicyInputSchema } from '../../../src/contracts/model-policy';

const problems = (input: unknown) => {
  const parsed = modelPolicyInputSchema.safeParse(input);
  return parsed.success ? [] : formatIssues(describeIssues(parsed.error, 'the policy')).split('; ');
};

describe('a model policy at the edge', () => {
  it('refuses unknown fields at every depth', () => {
    expect(problems({ monitoring: { drift: { maxPsy: 0.3 }, thresholds: { maxP99: 10 } }, drill: { evry: '1h' } })).toEqual(
      expect.arrayContaining(['monitoring.drift.maxPsy: not a field of the policy', 'monitoring.thresholds.maxP99: not a field of the policy', 'drill.evry: not a field of the policy']),
    );
  });

  it('checks an auto-trigger template when it is set, as a version would fill it in', () => {
    expect(problems({ pipeline: { datasets: { train: 'a'.repeat(64), validation: 'b'.repeat(64) }, approval: { approvers: ['bob'] }, rollout: { windw: '10m', bake: '100d' } } })).toEqual(
      expect.arrayContaining(['pipeline.rollout.windw: not a field of the policy', 'pipeline.rollout.bake: must be at most 90d']),
    );
    expect(problems({ pipeline: { datasets: { train: 'a'.repeat(64), validation: 'b'.repeat(64) }, approval: { approvers: ['bob'] } } })).toEqual([]);
  });
});
