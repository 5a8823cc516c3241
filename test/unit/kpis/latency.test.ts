import { emptyCounters, latencyBucketIndex, latencyQuantile, LATENCY_BOUNDS_MS } from '../../../src/contracts/kpi';
import { countersOf, incrementsOf } from '../../../src/kpis/bucket-codec';

describe('latency histogram', () => {
  it('puts a value in the first bucket whose bound holds it', () => {
    expect(latencyBucketIndex(0)).toBe(0);
    expect(latencyBucketIndex(0.25)).toBe(0);
    expect(latencyBucketIndex(0.26)).toBe(1);
    expect(latencyBucketIndex(10)).toBe(LATENCY_BOUNDS_MS.indexOf(10));
    expect(latencyBucketIndex(1e6)).toBe(LATENCY_BOUNDS_MS.length);
  });

  it('interpolates quantiles inside a bucket', () => {
    const hist = new Array(LATENCY_BOUNDS_MS.length + 1).fill(0);
    hist[LATENCY_BOUNDS_MS.indexOf(10)] = 100; // all between 7.5 and 10 ms
    expect(latencyQuantile(hist, 0.5)).toBeCloseTo(8.75, 5);
    expect(latencyQuantile(hist, 0.99)).toBeCloseTo(9.975, 5);
  });

  it('places p99 in the tail bucket when 2% of requests are slow', () => {
    const hist = new Array(LATENCY_BOUNDS_MS.length + 1).fill(0);
    hist[latencyBucketIndex(1)] = 98;
    hist[latencyBucketIndex(400)] = 2;
    expect(latencyQuantile(hist, 0.5)!).toBeLessThanOrEqual(1);
    expect(latencyQuantile(hist, 0.99)!).toBeGreaterThan(250);
  });

  it('has no quantile without requests', () => {
    expect(latencyQuantile(emptyCounters().latency, 0.99)).toBeNull();
  });
});

describe('stored KPI buckets', () => {
  it('round-trip through $inc increments', () => {
    const c = emptyCounters();
    c.requests = 7;
    c.errors = 1;
    c.latency[3] = 5;
    c.latency[20] = 2;
    c.shadowOverlapSum = 2.5;
    const inc = incrementsOf(c);
    expect(inc).toEqual({ requests: 7, errors: 1, shadowOverlapSum: 2.5, 'latency.3': 5, 'latency.20': 2 });
    const stored = { _id: 'x', model: 'm', version: '1.0.0', start: new Date(0), requests: 7, errors: 1, shadowOverlapSum: 2.5, latency: { '3': 5, '20': 2 } };
    expect(countersOf(stored as never)).toEqual(c);
  });
});
