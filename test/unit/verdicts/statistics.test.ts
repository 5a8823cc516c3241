import { confidenceSequence, mixtureRadius } from '../../../src/verdicts/always-valid';
import { logCeilingEValue, logMeanOfSums, stepLogRatio, type CountStep } from '../../../src/verdicts/count-test';

const logJumpEValue = (steps: CountStep[], ratios: number[]) => logMeanOfSums(steps.map((s) => ratios.map((t) => stepLogRatio(s, t))), ratios.length);
import { pooledRate, stratifiedDifference, type ShardedRate } from '../../../src/verdicts/shard-estimates';

const arm = (events: number[], exposures: number[]): ShardedRate => ({
  events: events.reduce((a, b) => a + b, 0),
  exposures: exposures.reduce((a, b) => a + b, 0),
  shardEvents: events,
  shardExposures: exposures,
});

describe('normal-mixture confidence sequence', () => {
  it('matches the radius worked by hand', () => {
    // sqrt(V(V+t^2)/t^2 * (2 ln(1/a) + ln((V+t^2)/V))) with V = 1, t = 1, a = 0.05: sqrt(2 * (5.9915 + 0.6931)).
    expect(mixtureRadius(1, 1, 0.05)).toBeCloseTo(3.6564, 4);
    // V = 4e-4, t = 0.1, a = 0.002: sqrt(4.16e-4 * (12.4292 + 3.2581)).
    expect(mixtureRadius(0.0004, 0.1, 0.002)).toBeCloseTo(0.08078, 5);
  });

  it('is unbounded without a variance and a point with a zero one', () => {
    expect(mixtureRadius(NaN, 0.1, 0.01)).toBe(Infinity);
    expect(confidenceSequence(0.3, 0, 0.1, 0.01)).toEqual({ lower: 0.3, upper: 0.3 });
  });

  it('is wider than a fixed-horizon interval at the same level: the price of looking at every check', () => {
    const fixed = 2.5758; // two-sided 99% normal quantile
    expect(mixtureRadius(1, 1, 0.01)).toBeGreaterThan(fixed);
  });
});

describe('shard estimates', () => {
  it('pools a rate with the variance of its shards', () => {
    // p = 4/20; influences (1 - 2)/20 and (3 - 2)/20; 2/(2-1) * (0.0025 + 0.0025) = 0.01, above the binomial floor.
    const r = pooledRate([arm([1, 3], [10, 10])], 2)!;
    expect(r.estimate).toBeCloseTo(0.2, 10);
    expect(r.variance).toBeCloseTo(0.01, 10);
  });

  it('never reads no events as certainty', () => {
    // Smoothed p = 0.5/101; floor p(1-p)/100.
    const r = pooledRate([arm([0, 0], [50, 50])], 2)!;
    expect(r.estimate).toBe(0);
    expect(r.variance).toBeCloseTo(((0.5 / 101) * (1 - 0.5 / 101)) / 100, 12);
  });

  it('compares arms with the pooled binomial floor when the shards agree too well', () => {
    const candidate = arm([2, 2], [10, 10]);
    const control = arm([1, 3], [10, 10]);
    // Shard variance 0.01; pooled floor: p = 8.5/41, p(1-p)(1/20 + 1/20) = 0.016434.
    const d = stratifiedDifference([{ candidate, control }], 2, false)!;
    expect(d.estimate).toBeCloseTo(0, 12);
    expect(d.variance).toBeCloseTo((8.5 / 41) * (1 - 8.5 / 41) * 0.1, 6);
    const r = stratifiedDifference([{ candidate, control }], 2, true)!;
    expect(r.baseline).toBeCloseTo(0.2, 12);
    expect(r.variance).toBeCloseTo(d.variance / 0.04, 6);
  });

  it('weights strata by their effective size, so a base rate that moves between stages is not an effect', () => {
    const early = { candidate: arm([5, 5], [50, 50]), control: arm([95, 95], [950, 950]) }; // both 10%
    const late = { candidate: arm([100, 100], [500, 500]), control: arm([100, 100], [500, 500]) }; // both 20%
    expect(stratifiedDifference([early, late], 2, false)!.estimate).toBeCloseTo(0, 12);
  });

  it('has no comparison until both arms have requests', () => {
    expect(stratifiedDifference([{ candidate: arm([0, 0], [0, 0]), control: arm([3, 3], [40, 40]) }], 2, false)).toBeNull();
  });
});

describe('count tests', () => {
  it('matches the jump e-value worked by hand', () => {
    // Equal exposures: 30 ln(2 * 10/11) + 3 ln(2 * 1/11).
    const logE = logJumpEValue([{ candidateEvents: 30, candidateExposures: 600, controlEvents: 3, controlExposures: 600 }], [10]);
    expect(logE).toBeCloseTo(30 * Math.log(20 / 11) + 3 * Math.log(2 / 11), 10);
    expect(logE).toBeCloseTo(12.8209, 3);
  });

  it('averages the ratios of the mixture', () => {
    const step = { candidateEvents: 4, candidateExposures: 100, controlEvents: 2, controlExposures: 300 };
    const one = (t: number) => Math.exp(logJumpEValue([step], [t]));
    expect(Math.exp(logJumpEValue([step], [2, 5]))).toBeCloseTo((one(2) + one(5)) / 2, 10);
  });

  it('sees no evidence in a check without events', () => {
    expect(logJumpEValue([{ candidateEvents: 0, candidateExposures: 100, controlEvents: 0, controlExposures: 100 }], [2, 10])).toBeCloseTo(0, 12);
  });

  it('matches the ceiling e-value worked by hand', () => {
    // 5 ln 2 - (2 - 1) * 0.01 * 100.
    expect(logCeilingEValue(5, 100, 0.01, [2])).toBeCloseTo(5 * Math.log(2) - 1, 12);
  });
});
