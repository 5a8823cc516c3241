import { MIN_SLICE_USERS } from '../../../src/evaluation';
import { buildHeldOut, createScorer, evaluate, type Artifact, type EmbeddingArtifact, type EvaluationReport } from '../../../src/models';
import { byName, good, popularity, scenarioGate, scenarios, shuffled, sibling, train, validation } from './fixtures';

const run = (candidate: Artifact = good, champion: Artifact | null = popularity, gate = scenarioGate) =>
  scenarios({ candidate, champion, train, validation, gate });

const trainCounts = new Map<number, number>();
for (const u of train.users) trainCounts.set(u, (trainCounts.get(u) ?? 0) + 1);
let reference: EvaluationReport;
beforeAll(async () => {
  reference = await evaluate(createScorer(good), buildHeldOut(train, validation), { k: 10, excludeSeen: true });
});
const sliceNdcg = (member: (count: number) => boolean) => {
  const users = reference.perUser.filter((u) => member(trainCounts.get(u.userId) ?? 0));
  return { users: users.length, ndcg: users.reduce((s, u) => s + u.ndcg, 0) / users.length };
};

describe('runScenarios', () => {
  it('passes a good model on every scenario, in a fixed order', async () => {
    const evidence = await run();
    expect(evidence).toMatchObject({ gate: 'scenarios', pass: true, k: 10 });
    expect(evidence.checks.map((c) => [c.name, c.verdict])).toEqual([
      ['cold_start_slice', 'pass'],
      ['heavy_user_slice', 'pass'],
      ['unknown_user_fallback', 'pass'],
      ['latency_p99', 'pass'],
      ['shadow', 'pass'],
    ]);
  });

  it('measures each user slice against the overall NDCG', async () => {
    const checks = byName((await run()).checks);
    const cold = sliceNdcg((n) => n <= 5);
    const heavy = sliceNdcg((n) => n >= 50);
    expect(cold.users).toBeGreaterThanOrEqual(MIN_SLICE_USERS);
    expect(heavy.users).toBeGreaterThanOrEqual(MIN_SLICE_USERS);
    expect(checks.cold_start_slice.values).toEqual({
      users: cold.users,
      ndcg: expect.closeTo(cold.ndcg, 12),
      overallNdcg: reference.ndcg,
      ratio: expect.closeTo(cold.ndcg / reference.ndcg, 12),
      required: expect.closeTo(0.3 * reference.ndcg, 12),
    });
    expect(checks.heavy_user_slice.values.users).toBe(heavy.users);
    expect(checks.heavy_user_slice.thresholds).toEqual({ minTrainInteractions: 50, minSliceNdcgRatio: 0.3, minUsers: MIN_SLICE_USERS });
    expect(checks.cold_start_slice.summary).toMatch(/^cold-start users \(≤ 5 train interactions\), \d+ users: NDCG@10 0\.\d{3} = \d\.\d{3} × overall 0\.\d{3}, reaches/);
  });

  it('fails a slice that falls short of its share of the overall NDCG', async () => {
    const ratio = byName((await run()).checks).heavy_user_slice.values.ratio as number;
    const strict = await run(good, popularity, { ...scenarioGate, minSliceNdcgRatio: Math.min(1, ratio + 0.01) });
    expect(byName(strict.checks).heavy_user_slice.verdict).toBe('fail');
    expect(strict.pass).toBe(false);
  });

  it('skips a slice with too few users to judge, saying why', async () => {
    const checks = byName((await run(good, popularity, { ...scenarioGate, heavyUserMinInteractions: 10_000 })).checks);
    expect(checks.heavy_user_slice).toMatchObject({
      verdict: 'skipped',
      reason: `only 0 held-out users in the slice, fewer than ${MIN_SLICE_USERS}`,
      values: { users: 0 },
    });
  });

  it('answers an unknown user from the popularity fallback', async () => {
    const check = byName((await run()).checks).unknown_user_fallback;
    expect(check.values).toEqual({ userId: 301, items: 10, expectedItems: 10, fallback: true, nonFiniteScores: 0, duplicateItems: 0 });
    // A popularity model has no separate fallback path: it answers everyone the same way.
    expect(byName((await run(popularity, null)).checks).unknown_user_fallback.verdict).toBe('pass');
  });

  it('fails the fallback scenario when the fallback scores are corrupt', async () => {
    const corrupt: EmbeddingArtifact = { ...good, popularity: new Float32Array(good.itemIds.length).fill(NaN) };
    const check = byName((await run(corrupt, null)).checks).unknown_user_fallback;
    expect(check.verdict).toBe('fail');
    expect(check.values.nonFiniteScores).toBe(10);
    expect(check.summary).toBe('unknown user 301: 10 non-finite scores');
  });

  it('measures top-k latency of the candidate and the champion on the same sampled users', async () => {
    const check = byName((await run(good, sibling)).checks).latency_p99;
    const v = check.values as Record<string, number>;
    expect([v.users, v.championUsers, v.callsPerUser]).toEqual([300, 300, 3]);
    expect(v.p50Us).toBeGreaterThan(0);
    expect(v.p95Us).toBeGreaterThanOrEqual(v.p50Us);
    expect(v.p99Us).toBeGreaterThanOrEqual(v.p95Us);
    expect(v.maxUs).toBeGreaterThanOrEqual(v.p99Us);
    expect(v.championP99Us).toBeGreaterThanOrEqual(v.championP95Us);
    expect(v.p95Ratio).toBe(Math.round((v.p95Us / v.championP95Us) * 100) / 100);
    expect(check.thresholds).toEqual({ latencyBudgetP99Ms: 1000, latencyMaxRatio: 1000, sampleUsers: 300 });
  });

  it('judges a machine too slow for the ceiling as inconclusive when there is a champion to compare with', async () => {
    const tiny = { ...scenarioGate, latencyBudgetP99Ms: 1e-9, latencySampleUsers: 40 };
    const evidence = await run(good, sibling, tiny);
    const check = byName(evidence.checks).latency_p99;
    expect(evidence.pass).toBe(false);
    expect(check).toMatchObject({ verdict: 'fail', environmental: true, values: { users: 40, championUsers: 40 } });
    expect(check.summary).toMatch(/inconclusive: the champion's own p99 is over the ceiling 1e-9 ms: the machine was too slow to compare them; the gate can be run again$/);
  });

  it("fails a model whose median request is over the ceiling, without a champion, as the model's failure", async () => {
    const check = byName((await run(good, null, { ...scenarioGate, latencyBudgetP99Ms: 1e-9, latencySampleUsers: 40 })).checks).latency_p99;
    expect(check.verdict).toBe('fail');
    expect(check).not.toHaveProperty('environmental');
    expect(check.values).toMatchObject({ users: 40, championUsers: 0, championP99Us: null, p95Ratio: null });
    expect(check.summary).toMatch(/^top-10 latency over 40 users: p50 [\d.]+, p95 [\d.]+, p99 [\d.]+ µs; no champion; p50 and p99 over the ceiling 1e-9 ms$/);
  });

  it('fails the shadow comparison of a model with shuffled factors against a good champion', async () => {
    const evidence = await run(shuffled, good);
    expect(evidence.pass).toBe(false);
    expect(evidence.checks.filter((c) => c.verdict === 'fail').map((c) => c.name)).toEqual(['shadow']);
    const { values } = byName(evidence.checks).shadow;
    expect(values.users).toBe(reference.users);
    expect(values.championNdcg).toBeCloseTo(reference.ndcg, 12);
    expect(values.overlap as number).toBeLessThan(0.05);
    expect(values.relativeNdcgDrop as number).toBeGreaterThan(0.9);
    expect(values.ndcgDelta).toBeCloseTo((values.candidateNdcg as number) - reference.ndcg, 12);
  });

  it('finds full agreement when the champion is the candidate itself, and partial between two seeds', async () => {
    const self = byName((await run(good, good)).checks).shadow;
    expect(self.values).toMatchObject({ overlap: 1, ndcgDelta: 0, relativeNdcgDrop: 0 });
    const siblings = byName((await run(good, sibling)).checks).shadow;
    expect(siblings.values.overlap as number).toBeGreaterThan(0.3);
    expect(siblings.values.overlap as number).toBeLessThan(1);
    expect(byName((await run(good, sibling, { ...scenarioGate, minShadowOverlap: 0.99 })).checks).shadow.verdict).toBe('fail');
  });

  it('skips the shadow comparison without a champion', async () => {
    const evidence = await run(good, null);
    expect(evidence.pass).toBe(true);
    expect(byName(evidence.checks).shadow).toEqual({
      name: 'shadow',
      verdict: 'skipped',
      reason: 'no champion yet',
      values: {},
      thresholds: { minShadowOverlap: 0, maxShadowNdcgDrop: 0.1 },
      summary: 'shadow comparison with the champion: skipped, no champion yet',
    });
  });
});
