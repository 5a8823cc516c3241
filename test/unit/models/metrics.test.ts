import { compareToBaseline, createScorer, evaluate, pairedBootstrap, rankingMetricsAtK, type MetricSummary } from '../../../src/models';

// Discount 1 / log2(position + 1) at 1-based position 2; position 1 contributes exactly 1.
const AT2 = 0.63093;

describe('rankingMetricsAtK, hand-computed', () => {
  it('two hits at positions 2 and 5 out of three relevant items', async () => {
    const m = rankingMetricsAtK([1, 2, 3, 4, 5], new Set([2, 5, 9]), 5)!;
    // DCG = 0.63093 + 0.38685 = 1.01778; IDCG over 3 = 1 + 0.63093 + 0.5 = 2.13093.
    expect(m.ndcg).toBeCloseTo(0.477624, 5);
    expect(m.recall).toBeCloseTo(2 / 3, 10);
    expect(m.precision).toBe(0.4);
    // AP = (1/2 + 2/5) / min(5, 3) = 0.3
    expect(m.map).toBeCloseTo(0.3, 10);
    expect(m.hitRate).toBe(1);
  });

  it('a user with fewer relevant items than K can still score a perfect NDCG and MAP', async () => {
    const m = rankingMetricsAtK([7, 1, 2, 3, 4, 5, 6, 8, 9, 10], new Set([7]), 10)!;
    expect(m).toEqual({ ndcg: 1, recall: 1, precision: 0.1, map: 1, hitRate: 1 });
  });

  it('a ranking shorter than K is not padded, and precision still divides by K', async () => {
    const m = rankingMetricsAtK([3], new Set([3, 4]), 5)!;
    expect(m.ndcg).toBeCloseTo(1 / (1 + AT2), 5); // 0.613147
    expect(m.recall).toBe(0.5);
    expect(m.precision).toBe(0.2);
    expect(m.map).toBe(0.5);
  });

  it('counts a repeated item once and ignores hits past K', async () => {
    expect(rankingMetricsAtK([1, 1, 2], new Set([1]), 3)!.precision).toBeCloseTo(1 / 3, 10);
    expect(rankingMetricsAtK([5, 6, 7], new Set([7]), 2)).toEqual({ ndcg: 0, recall: 0, precision: 0, map: 0, hitRate: 0 });
  });

  it('an empty ranking scores zero; an empty relevant set is not evaluable', async () => {
    expect(rankingMetricsAtK([], new Set([1]), 10)).toEqual({ ndcg: 0, recall: 0, precision: 0, map: 0, hitRate: 0 });
    expect(rankingMetricsAtK([1, 2], new Set(), 10)).toBeUndefined();
    expect(() => rankingMetricsAtK([1], new Set([1]), 0)).toThrow(RangeError);
  });
});

describe('evaluate, hand-computed with ties', () => {
  // Items 20 and 30 tie; 20 has the lower index and therefore ranks first.
  const scorer = createScorer({
    kind: 'popularity',
    itemIds: Float64Array.from([10, 20, 30, 40]),
    scores: Float32Array.from([4, 3, 3, 1]),
    metadata: {},
  });
  const heldOut = [
    { userId: 1, relevant: [20], seen: [] },
    { userId: 2, relevant: [30, 40], seen: [10] },
    { userId: 3, relevant: [], seen: [40] },
  ];

  it('excluding seen items', async () => {
    // u1 gets [10, 20]: hit at 2. u2 gets [20, 30] (10 excluded): hit at 2 out of 2 relevant.
    const r = await evaluate(scorer, heldOut, { k: 2, excludeSeen: true });
    expect(r.ndcg).toBeCloseTo((AT2 + AT2 / (1 + AT2)) / 2, 5); // 0.508891
    expect(r.recall).toBe(0.75);
    expect(r.precision).toBe(0.5);
    expect(r.map).toBe(0.375); // (0.5 / 1 + 0.5 / 2) / 2
    expect(r.hitRate).toBe(1);
    expect(r.coverage).toBe(0.75); // 10, 20, 30 of four items
    expect([r.users, r.skippedUsers, r.fallbackUsers]).toEqual([2, 1, 0]);
    expect(r.perUser.map((u) => u.userId)).toEqual([1, 2]);
  });

  it('without exclusion the seen item takes the slot', async () => {
    // Both users get [10, 20]: u1 hits at 2, u2 misses.
    const r = await evaluate(scorer, heldOut, { k: 2 });
    expect(r.ndcg).toBeCloseTo(AT2 / 2, 5);
    expect(r.recall).toBe(0.5);
    expect(r.precision).toBe(0.25);
    expect(r.hitRate).toBe(0.5);
    expect(r.coverage).toBe(0.5);
  });

  it('counts fallback users of an embedding model', async () => {
    const model = createScorer({
      kind: 'embedding',
      dims: 1,
      userIds: Float64Array.from([1]),
      itemIds: Float64Array.from([10, 20]),
      userFactors: Float32Array.from([1]),
      itemFactors: Float32Array.from([0, 1]),
      popularity: Float32Array.from([1, 0]),
      metadata: {},
    });
    const r = await evaluate(model, [{ userId: 1, relevant: [20], seen: [] }, { userId: 5, relevant: [20], seen: [] }], { k: 1 });
    expect(r.fallbackUsers).toBe(1);
    expect(r.hitRate).toBe(0.5);
    expect(r.perUser.map((u) => u.fallback)).toEqual([false, true]);
  });

  it('averages nothing to zero on an empty hold-out', async () => {
    expect(await evaluate(scorer, [], { k: 10 })).toMatchObject({ ndcg: 0, users: 0, coverage: 0 });
  });
});

describe('compareToBaseline', () => {
  const baseline: MetricSummary = { ndcg: 0.25, recall: 0.2, precision: 0.104, map: 0.2, hitRate: 0.4, coverage: 0.05 };
  const candidate: MetricSummary = { ndcg: 0.3, recall: 0.2, precision: 0.1, map: 0.1, hitRate: 0.5, coverage: 0.2 };

  it('gives one verdict per metric', async () => {
    const result = compareToBaseline(candidate, baseline, { absolute: { ndcg: 0.1, hitRate: 0.6 }, relativeTolerance: 0.05 });
    const byMetric = Object.fromEntries(result.verdicts.map((v) => [v.metric, v]));
    expect(byMetric.ndcg).toMatchObject({ verdict: 'better', pass: true, required: 0.2375 });
    expect(byMetric.ndcg.delta).toBeCloseTo(0.05, 12);
    expect(byMetric.ndcg.relativeDelta).toBeCloseTo(0.2, 12);
    expect(byMetric.recall).toMatchObject({ verdict: 'equal', pass: true });
    expect(byMetric.precision).toMatchObject({ verdict: 'within_tolerance', pass: true });
    expect(byMetric.precision.required).toBeCloseTo(0.0988, 12);
    expect(byMetric.map).toMatchObject({ verdict: 'worse', pass: false, relativeDelta: -0.5 });
    expect(byMetric.hitRate).toMatchObject({ verdict: 'below_floor', pass: false, required: 0.6 });
    expect(byMetric.coverage).toMatchObject({ verdict: 'better', pass: true });
    expect(result.pass).toBe(false);
  });

  it('requires parity by default, an improvement with a negative tolerance, and handles a zero baseline', async () => {
    expect(compareToBaseline(candidate, baseline, { metrics: ['ndcg', 'recall'] }).pass).toBe(true);
    const strict = compareToBaseline(candidate, baseline, { metrics: ['ndcg'], relativeTolerance: { ndcg: -0.25 } });
    expect(strict.verdicts[0]).toMatchObject({ verdict: 'worse', pass: false, required: 0.3125 });
    const zero = compareToBaseline(candidate, { ...baseline, coverage: 0 }, { metrics: ['coverage'] });
    expect(zero.verdicts[0]).toMatchObject({ verdict: 'better', relativeDelta: null, pass: true });
  });
});

describe('pairedBootstrap', () => {
  it('is exact for a constant difference and seeded otherwise', async () => {
    expect(pairedBootstrap([3, 4, 5], [1, 2, 3])).toEqual({ mean: 2, low: 2, high: 2, confidence: 0.95 });
    const a = [0.1, 0.5, 0.2, 0.9, 0.4, 0.3, 0.8, 0.0];
    const b = [0.0, 0.4, 0.3, 0.5, 0.4, 0.1, 0.6, 0.1];
    const r = pairedBootstrap(a, b, { seed: 4 });
    expect(r.mean).toBeCloseTo(0.1, 12); // differences sum to 0.8 over 8 users
    expect(r.low).toBeLessThan(r.mean);
    expect(r.high).toBeGreaterThan(r.mean);
    expect(r.low).toBeGreaterThanOrEqual(-0.1); // no resample mean can leave [min diff, max diff]
    expect(r.high).toBeLessThanOrEqual(0.4);
    expect(pairedBootstrap(a, b, { seed: 4 })).toEqual(r);
    expect(() => pairedBootstrap([1], [1, 2])).toThrow(RangeError);
  });
});
