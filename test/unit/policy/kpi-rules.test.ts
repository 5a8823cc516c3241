import { emptyCounters, latencyBucketIndex, type KpiCounters } from '../../../src/contracts/kpi';
import { kpiThresholdsSchema, type Stage } from '../../../src/contracts/pipeline-spec';
import { evaluateKpiCheck } from '../../../src/policy/kpi-rules';

const thresholds = kpiThresholdsSchema.parse({ maxErrorRate: 0.02, maxP99Ms: 50, minSuccessRatio: 0.7, minShadowAgreement: 0.3, maxFailures: 10, minRequests: 30 });
const canary = { name: 'canary', kind: 'traffic' as const, percent: 5 };
const shadow = { name: 'shadow', kind: 'shadow' as const, percent: 10 };
const from = new Date('2026-01-01T00:00:00Z');
const to = new Date('2026-01-01T00:01:00Z');

function side({ requests = 0, errors = 0, successes = 0, ms = 2, slow = 0, slowMs = 400, shadowRequests = 0, overlap = 0, shadowErrors = 0 } = {}): KpiCounters {
  const c = emptyCounters();
  c.requests = requests;
  c.errors = errors;
  c.successes = successes;
  c.latency[latencyBucketIndex(ms)] = requests - slow;
  c.latency[latencyBucketIndex(slowMs)] = slow;
  c.shadowRequests = shadowRequests;
  c.shadowErrors = shadowErrors;
  c.shadowOverlapSum = overlap * (shadowRequests - shadowErrors);
  return c;
}
const check = (candidate: KpiCounters, stable: KpiCounters | null, stage: Stage = canary) => evaluateKpiCheck({ stage, from, to, candidate, stable, thresholds });
const verdicts = (c: ReturnType<typeof check>) => Object.fromEntries(c.rules.map((r) => [r.rule, r.verdict]));

describe('monitoring window rules', () => {
  it('passes a healthy canary', () => {
    const c = check(side({ requests: 200, errors: 1, successes: 40 }), side({ requests: 2000, errors: 10, successes: 420 }));
    expect(c.verdict).toBe('pass');
    expect(verdicts(c)).toEqual({ failures: 'pass', error_rate: 'pass', p99_latency_ms: 'pass', success_ratio_vs_stable: 'pass' });
    expect(c.candidate.errorRate).toBeCloseTo(0.005);
  });

  it('breaches on the error rate once there are enough requests', () => {
    const c = check(side({ requests: 100, errors: 5, successes: 20 }), side({ requests: 1000, successes: 200 }));
    expect(c.verdict).toBe('breach');
    expect(c.rules.find((r) => r.rule === 'error_rate')).toEqual({ rule: 'error_rate', value: 0.05, threshold: 0.02, verdict: 'breach' });
  });

  it('does not judge rates on too few requests, but still counts failures', () => {
    const few = check(side({ requests: 10, errors: 2 }), side({ requests: 1000, successes: 200 }));
    expect(verdicts(few)).toMatchObject({ error_rate: 'insufficient_data', failures: 'pass' });
    expect(few.verdict).toBe('pass');
    const many = check(side({ requests: 20, errors: 11 }), null);
    expect(verdicts(many).failures).toBe('breach');
    expect(many.verdict).toBe('breach');
  });

  it('breaches on p99 latency when more than 1% of requests are slow', () => {
    const c = check(side({ requests: 200, slow: 5, successes: 40 }), side({ requests: 2000, successes: 400 }));
    expect(c.rules.find((r) => r.rule === 'p99_latency_ms')!.verdict).toBe('breach');
    expect(c.candidate.p99Ms!).toBeGreaterThan(250);
  });

  it('breaches when the candidate predicts much worse than stable', () => {
    const c = check(side({ requests: 200, successes: 10 }), side({ requests: 2000, successes: 400 }));
    const r = c.rules.find((x) => x.rule === 'success_ratio_vs_stable')!;
    expect(r.value).toBeCloseTo(0.25);
    expect(r.verdict).toBe('breach');
  });

  it('judges a shadow stage on agreement and shadow failures only', () => {
    const good = check(side({ shadowRequests: 100, overlap: 0.6 }), side({ requests: 1000 }), shadow);
    expect(verdicts(good)).toEqual({ shadow_failures: 'pass', shadow_error_rate: 'pass', shadow_agreement: 'pass' });
    const poor = check(side({ shadowRequests: 100, overlap: 0.05 }), side({ requests: 1000 }), shadow);
    expect(poor.verdict).toBe('breach');
    expect(poor.rules.find((r) => r.rule === 'shadow_agreement')!.value).toBeCloseTo(0.05);
  });
});
