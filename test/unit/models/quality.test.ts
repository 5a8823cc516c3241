import {
  checkIdCoverage,
  checkInteractions,
  createFaultInjector,
  driftReport,
  jensenShannon,
  jsDivergence,
  jsDivergenceCategorical,
  kolmogorovSurvival,
  ksTwoSample,
  psi,
  quantileEdges,
  worstSeverity,
  type Interactions,
} from '../../../src/models';

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
const repeat = (value: number, times: number) => Array<number>(times).fill(value);

describe('PSI', () => {
  const reference = range(1, 100);

  it('bins on reference quantiles', () => {
    expect(quantileEdges(reference, 4)).toEqual([26, 51, 76]);
    expect(quantileEdges([1, 1, 1, 1, 2, 2, 3, 3], 4)).toEqual([2, 3]);
  });

  it('matches the hand computation for shares 0.4 / 0.3 / 0.2 / 0.1 against 0.25 each', () => {
    const current = [...repeat(1, 40), ...repeat(30, 30), ...repeat(60, 20), ...repeat(90, 10)];
    // 0.15 ln 1.6 + 0.05 ln 1.2 - 0.05 ln 0.8 - 0.15 ln 0.4
    expect(psi(reference, current, { bins: 4 })).toBeCloseTo(0.2282174, 6);
    expect(psi(reference, reference, { bins: 4 })).toBe(0);
  });

  it('stays finite when a bin is empty', () => {
    expect(psi(reference, repeat(10, 50), { bins: 4, epsilon: 1e-4 })).toBeCloseTo(
      (1 - 0.25) * Math.log(1 / 0.25) + 3 * (1e-4 - 0.25) * Math.log(1e-4 / 0.25),
      9,
    );
  });
});

describe('two-sample KS', () => {
  it('computes D with ties across samples', () => {
    // ECDF gaps: x=1 0.25, x=2 0.5, x=3 3/4-1/6, x=4 1-2/6 = 2/3 (max), then shrinking.
    expect(ksTwoSample([1, 2, 3, 4], [3, 4, 5, 6, 7, 8]).statistic).toBeCloseTo(2 / 3, 12);
    expect(ksTwoSample([4, 1, 3, 2], [2, 3, 1, 4])).toEqual({ statistic: 0, pValue: 1 });
    expect(ksTwoSample([1, 2], [3, 4]).statistic).toBe(1);
  });

  it('uses the Kolmogorov distribution for the p-value (table values)', () => {
    expect(kolmogorovSurvival(0.6)).toBeCloseTo(0.864283, 5);
    expect(kolmogorovSurvival(1.0)).toBeCloseTo(0.27, 5);
    expect(kolmogorovSurvival(1.2238)).toBeCloseTo(0.1, 4);
    expect(kolmogorovSurvival(1.3581)).toBeCloseTo(0.05, 4);
    expect(kolmogorovSurvival(1.6276)).toBeCloseTo(0.01, 4);
    expect(kolmogorovSurvival(1.1799)).toBeCloseTo(kolmogorovSurvival(1.1801), 3);
    expect(kolmogorovSurvival(0)).toBe(1);
  });

  it('applies the effective sample size and Stephens correction', () => {
    // Integers keep shifted values exactly equal where the samples overlap.
    const a = range(0, 999);
    const b = a.map((x) => x + 50);
    const { statistic, pValue } = ksTwoSample(a, b);
    expect(statistic).toBeCloseTo(0.05, 9);
    const ne = Math.sqrt(500);
    expect(pValue).toBeCloseTo(kolmogorovSurvival((ne + 0.12 + 0.11 / ne) * 0.05), 9);
    expect(pValue).toBeGreaterThan(0.1);
    expect(pValue).toBeLessThan(0.2);
  });
});

describe('Jensen-Shannon', () => {
  it('is 1 bit for disjoint supports and 0 for identical ones', () => {
    expect(jensenShannon([1, 0], [0, 1])).toBe(1);
    expect(jensenShannon([3, 1], [6, 2])).toBeCloseTo(0, 12);
  });

  it('matches the hand computation for (0.5, 0.5) vs (1, 0), from counts too', () => {
    // M = (0.75, 0.25): 0.5 [0.5 log2(2/3) + 0.5 log2 2] + 0.5 log2(4/3) = 0.311278
    expect(jensenShannon([0.5, 0.5], [1, 0])).toBeCloseTo(0.311278, 6);
    expect(jensenShannon([2, 2], [5, 0])).toBeCloseTo(0.311278, 6);
    expect(jsDivergenceCategorical([7, 7, 9, 9], [7, 7, 7, 7])).toBeCloseTo(0.311278, 6);
    expect(jsDivergence(range(1, 100), [...repeat(1, 50), ...repeat(90, 50)], { bins: 2 })).toBe(0);
  });
});

describe('driftReport', () => {
  const reference = range(0, 999);

  it('flags a large shift on every statistic', () => {
    const r = driftReport(reference, reference.map((x) => x + 300));
    expect(r.ks.statistic).toBeCloseTo(0.3, 9);
    expect(r.drifted).toEqual({ psi: true, ks: true, jensenShannon: true });
    expect(r.drift).toBe(true);
  });

  it('stays quiet on a small shift, and KS needs both a small p and a large D', () => {
    const r = driftReport(reference, reference.map((x) => x + 20));
    expect(r.psi).toBeLessThan(0.2);
    expect(r.drift).toBe(false);
    const big = range(0, 199_999);
    const nudged = driftReport(big, big.map((x) => x + 4_000));
    expect(nudged.ks.pValue).toBeLessThan(1e-10);
    expect(nudged.drifted.ks).toBe(false);
  });
});

describe('checkInteractions', () => {
  const table = (rows: number[][]): Interactions => ({
    users: Int32Array.from(rows.map((r) => r[0])),
    items: Int32Array.from(rows.map((r) => r[1])),
    ratings: Float32Array.from(rows.map((r) => r[2])),
    timestamps: Float64Array.from(rows.map((r) => r[3])),
  });

  it('reports nothing for clean data', () => {
    expect(checkInteractions(table([[1, 1, 4, 10], [1, 2, 3.5, 11], [2, 1, 5, 12]]))).toEqual([]);
  });

  it('finds each class of problem, with counts and row examples', () => {
    const findings = checkInteractions(
      table([
        [1, 1, 4, 10],
        [1, 2, NaN, 11],
        [1, 3, 9, 12],
        [2, 1, 3, -5],
        [1, 1, 4, 10],
        [1, 1, 2, 99],
        [2, 2, 3, Infinity],
      ]),
    );
    expect(findings.map((f) => [f.check, f.severity, f.count, f.examples])).toEqual([
      ['non_finite', 'error', 2, [1, 6]],
      ['rating_out_of_range', 'error', 1, [2]],
      ['bad_timestamp', 'error', 1, [3]],
      ['duplicate_event', 'error', 1, [4]],
      ['repeated_pair', 'info', 1, [5]],
    ]);
    expect(findings[0].message).toBe('2 of 7 rows have a missing (NaN) or infinite rating or timestamp');
    expect(worstSeverity(findings)).toBe('error');
    expect(worstSeverity([])).toBeUndefined();
  });

  it('checks the schema first and reports empty data', () => {
    const wrongType = { ...table([[1, 1, 4, 1]]), users: Float64Array.from([1]) } as unknown as Interactions;
    expect(checkInteractions(wrongType)).toEqual([{ check: 'schema', severity: 'error', message: 'users must be a Int32Array' }]);
    const ragged = { ...table([[1, 1, 4, 1]]), items: new Int32Array(2) };
    expect(checkInteractions(ragged)[0].message).toBe('column lengths differ: 1, 2, 1, 1');
    expect(checkInteractions(table([]))).toEqual([{ check: 'empty', severity: 'error', message: 'dataset has no interactions' }]);
  });
});

describe('checkIdCoverage', () => {
  it('measures both directions and grades them', () => {
    const c = checkIdCoverage([1, 2, 3, 4], [2, 3, 4, 5, 6]);
    expect(c).toMatchObject({ modelItems: 4, catalogueItems: 5, shared: 3, catalogueKnownByModel: 0.6, modelKnownByCatalogue: 0.75 });
    expect(c.findings.map((f) => [f.check, f.severity, f.count])).toEqual([
      ['catalogue_coverage', 'warning', 2],
      ['model_items_in_catalogue', 'warning', 1],
    ]);
    expect(checkIdCoverage([1], range(1, 3)).findings[0]).toMatchObject({ severity: 'error', message: '33.3 % of catalogue items are known to the model' });
    expect(checkIdCoverage(range(1, 20), range(1, 19)).findings).toEqual([
      { check: 'model_items_in_catalogue', severity: 'info', message: '95.0 % of model items are in the catalogue', count: 1 },
    ]);
    expect(checkIdCoverage([1, 2], [2, 1]).findings).toEqual([]);
  });
});

describe('createFaultInjector', () => {
  it('is seeded and honours the rate and the delay', () => {
    const draw = (rate: number, seed: number) => {
      const next = createFaultInjector({ failureRate: rate, addedLatencyMs: 40 }, seed);
      return Array.from({ length: 10_000 }, () => next());
    };
    const a = draw(0.25, 3);
    expect(a.map((d) => d.fail)).toEqual(draw(0.25, 3).map((d) => d.fail));
    const failures = a.filter((d) => d.fail).length;
    expect(failures).toBeGreaterThan(2350);
    expect(failures).toBeLessThan(2650);
    expect(a.every((d) => d.delayMs === 40)).toBe(true);
    expect(draw(0, 1).some((d) => d.fail)).toBe(false);
    expect(draw(1, 1).every((d) => d.fail)).toBe(true);
    expect(createFaultInjector(undefined)()).toEqual({ delayMs: 0, fail: false });
  });

  it('serves the first failAfterRequests requests healthy, then fails at the rate', () => {
    const next = createFaultInjector({ failureRate: 1, failAfterRequests: 3 });
    expect(Array.from({ length: 5 }, () => next().fail)).toEqual([false, false, false, true, true]);
  });
});
