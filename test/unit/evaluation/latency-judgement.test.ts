import { judgeLatency, latencyRatio, quantile } from '../../../src/evaluation/latency-judgement';

const limits = { ceilingMs: 50, maxRatio: 1.5 };
const us = (p50Us: number, p95Us: number, p99Us: number) => ({ p50Us, p95Us, p99Us });

describe('the latency judgement, candidate against the champion measured beside it', () => {
  it('passes a candidate whose p95 is within the allowed ratio of the champion: 600 / 400 = 1.5', () => {
    expect(judgeLatency(us(300, 600, 900), us(200, 400, 700), limits)).toEqual({
      verdict: 'pass',
      ratio: 1.5,
      reason: 'p95 ratio to the champion 1.5 ≤ 1.5, p99 ≤ the ceiling 50 ms',
    });
  });

  it("fails a candidate over the ratio as the model's failure, however far under the ceiling: 604 / 400 = 1.51", () => {
    expect(judgeLatency(us(300, 604, 900), us(200, 400, 700), limits)).toEqual({ verdict: 'fail', cause: 'model', ratio: 1.51, reason: 'p95 ratio to the champion 1.51 > 1.5' });
  });

  it('calls a p99 over the ceiling with the ratio held a slow machine: 30 ms / 25 ms = 1.2', () => {
    expect(judgeLatency(us(400, 30_000, 51_000), us(350, 25_000, 45_000), limits)).toEqual({
      verdict: 'fail',
      cause: 'environment',
      ratio: 1.2,
      reason: 'p99 over the ceiling 50 ms while the p95 ratio to the champion 1.2 ≤ 1.5: the machine was slow',
    });
  });

  it("calls a champion over the ceiling a machine too slow to compare on, even when the ratio is exceeded", () => {
    const j = judgeLatency(us(400, 40_000, 90_000), us(350, 20_000, 60_000), limits);
    expect(j).toMatchObject({ verdict: 'fail', cause: 'environment', ratio: 2 });
    expect(j.reason).toBe("the champion's own p99 is over the ceiling 50 ms: the machine was too slow to compare them");
  });

  it('judges on the ceiling alone without a champion: the tail over it is the machine, the median over it the model', () => {
    expect(judgeLatency(us(170, 900, 13_000), null, limits)).toEqual({ verdict: 'pass', ratio: null, reason: 'no champion; p99 ≤ the ceiling 50 ms' });
    expect(judgeLatency(us(170, 900, 50_001), null, limits)).toMatchObject({ verdict: 'fail', cause: 'environment', ratio: null });
    expect(judgeLatency(us(50_001, 60_000, 70_000), null, limits)).toEqual({ verdict: 'fail', cause: 'model', ratio: null, reason: 'no champion; p50 and p99 over the ceiling 50 ms' });
  });

  it('passes identical quantiles exactly at the ceiling: ratio 1, p99 50 000 µs = 50 ms', () => {
    expect(judgeLatency(us(100, 200, 50_000), us(100, 200, 50_000), limits)).toMatchObject({ verdict: 'pass', ratio: 1 });
  });
});

describe('latencyRatio and quantile', () => {
  it('rounds the ratio to 2 decimals and survives a champion below the clock resolution', () => {
    expect(latencyRatio(1000, 3000)).toBe(0.33);
    expect(latencyRatio(2, 3)).toBe(0.67);
    expect(latencyRatio(0, 0)).toBe(1);
    expect(latencyRatio(5, 0)).toBe(Infinity);
  });

  it('takes the nearest-rank quantile: of 1..100 the p95 is 95 and the p99 is 99; of 1..300 the p99 is 297', () => {
    const hundred = Array.from({ length: 100 }, (_, i) => i + 1);
    expect([quantile(hundred, 0.5), quantile(hundred, 0.95), quantile(hundred, 0.99)]).toEqual([50, 95, 99]);
    expect(quantile(Array.from({ length: 300 }, (_, i) => i + 1), 0.99)).toBe(297);
  });
});
