import type { KpiCheck } from '../../../src/contracts/messages';
import type { Judgement, KpiEvidence } from '../../../src/contracts/verdicts';
import { describeJudgement, describeKpi, describeRollback } from '../../../src/verdicts/describe';
import { verdictLines } from '../../../src/notify/mail-texts/pipeline';

const ARMS = { candidate: { requests: 4800, users: 1200 }, stable: { requests: 91_200, users: 9800 } };

const success: KpiEvidence = {
  kpi: 'success_vs_stable',
  estimate: -0.1823,
  lower: -0.2704,
  upper: -0.0912,
  statistic: 4.1,
  noHarm: 0,
  margin: 0.1,
  harmIsHigher: false,
  alpha: 0.0025,
  intervalAlpha: 0.0025,
  eValue: null,
  ...ARMS,
  verdict: 'regressed',
};

const errors: KpiEvidence = {
  kpi: 'errors_vs_stable',
  estimate: 0.0452,
  lower: 0.0118,
  upper: 0.0786,
  statistic: 6.3,
  noHarm: 0,
  margin: 0.005,
  harmIsHigher: true,
  alpha: 0.002,
  intervalAlpha: 0.0005,
  eValue: 2412.7,
  ...ARMS,
  verdict: 'regressed',
};

const errorCeiling: KpiEvidence = {
  kpi: 'error_rate_ceiling',
  estimate: 0.0041,
  lower: 0.0012,
  upper: 0.0093,
  statistic: -9.2,
  noHarm: 0.02,
  margin: 0,
  harmIsHigher: true,
  alpha: 0.002,
  intervalAlpha: 0.0005,
  eValue: 0.01,
  candidate: { requests: 12_000, users: 3400 },
  stable: null,
  verdict: 'non_inferior',
};

const slowNoData: KpiEvidence = {
  kpi: 'latency_vs_stable',
  estimate: null,
  lower: null,
  upper: null,
  statistic: null,
  noHarm: 0,
  margin: 0.01,
  harmIsHigher: true,
  alpha: 0.002,
  intervalAlpha: 0.0005,
  eValue: null,
  candidate: { requests: 0, users: 0 },
  stable: { requests: 0, users: 0 },
  verdict: 'undecided',
};

const agreement: KpiEvidence = {
  kpi: 'shadow_agreement',
  estimate: 0.6234,
  lower: 0.58,
  upper: 0.671,
  statistic: -3,
  noHarm: 0.5,
  margin: 0,
  harmIsHigher: false,
  alpha: 0.01 / 6,
  intervalAlpha: 0.01 / 6,
  eValue: null,
  candidate: { requests: 1_250_000, users: 40_000 },
  stable: null,
  verdict: 'non_inferior',
};

describe('describeKpi', () => {
  it('writes a relative difference with its always-valid interval, margin, verdict and arms', () => {
    expect(describeKpi(success)).toBe(
      'success vs stable: -18.2% (always-valid 99.75% interval -27.0% to -9.1%, margin -10%) — regressed; candidate 4,800 requests / 1,200 users, stable 91,200 requests / 9,800 users',
    );
  });

  it('writes error differences in percentage points and names the count test that proved a regression', () => {
    expect(describeKpi(errors)).toBe(
      'errors vs stable: +4.52 pp (always-valid 99.95% interval +1.18 pp to +7.86 pp, margin +0.5 pp) — regressed (count test e-value 2,413); candidate 4,800 requests / 1,200 users, stable 91,200 requests / 9,800 users',
    );
  });

  it('writes a one-sample KPI against its ceiling or floor, with the candidate arm only; rare-event rates keep two decimals', () => {
    expect(describeKpi(errorCeiling)).toBe('error rate: 0.41% (always-valid 99.95% interval 0.12% to 0.93%, ceiling 2%) — non-inferior; candidate 12,000 requests / 3,400 users');
    expect(describeKpi(agreement)).toBe('shadow agreement: 62.3% (always-valid 99.83% interval 58.0% to 67.1%, floor 50%) — non-inferior; candidate 1,250,000 requests / 40,000 users');
  });

  it('says "no data yet" when there is no estimate', () => {
    expect(describeKpi(slowNoData)).toBe('slow requests vs stable: no data yet — undecided; candidate 0 requests / 0 users, stable 0 requests / 0 users');
  });

  it('writes unbounded sides as such, and never a negative zero', () => {
    const k: KpiEvidence = { ...success, estimate: -0.00004, lower: null, upper: 0.031, verdict: 'undecided' };
    expect(describeKpi(k)).toMatch(/^success vs stable: 0\.0% \(always-valid 99\.75% interval unbounded to \+3\.1%, margin -10%\) — undecided;/);
    expect(describeKpi({ ...k, lower: null, upper: null })).toContain('interval unbounded, margin -10%');
    expect(describeKpi({ ...k, lower: -0.2, upper: null })).toContain('interval -20.0% to unbounded,');
  });

  it('writes a huge e-value in exponent notation', () => {
    expect(describeKpi({ ...errors, eValue: 3.21e17 })).toContain('(count test e-value 3.2e+17)');
  });
});

describe('describeJudgement', () => {
  it('puts the KPIs that decided first: regressed, then undecided, then non-inferior', () => {
    const j: Judgement = { verdict: 'regressed', kpis: [errorCeiling, slowNoData, success, agreement] };
    expect(describeJudgement(j).map((l) => l.slice(0, l.indexOf(':')))).toEqual(['success vs stable', 'slow requests vs stable', 'error rate', 'shadow agreement']);
    expect(describeJudgement(j)[0]).toBe(describeKpi(success));
  });
});

describe('describeRollback', () => {
  it('names the regressed KPI with its estimate and interval', () => {
    expect(describeRollback({ verdict: 'regressed', kpis: [errorCeiling, success] })).toBe('success vs stable regressed to -18.2% (interval -27.0% to -9.1%)');
  });

  it('names several, furthest towards harm first, with the e-value of a count test and the ceiling of a limit', () => {
    const ceiling: KpiEvidence = { ...errorCeiling, estimate: 0.12, lower: 0.09, upper: 0.15, statistic: 2, eValue: 5.5e9, verdict: 'regressed' };
    expect(describeRollback({ verdict: 'regressed', kpis: [success, ceiling, errors] })).toBe(
      'errors vs stable regressed to +4.52 pp (interval +1.18 pp to +7.86 pp, e-value 2,413); success vs stable regressed to -18.2% (interval -27.0% to -9.1%); and 1 more',
    );
  });

  it('stays under 200 characters however many regressed, and is empty when none did', () => {
    const kpis = [success, errors, { ...errorCeiling, verdict: 'regressed' as const }, { ...slowNoData, verdict: 'regressed' as const }, { ...agreement, verdict: 'regressed' as const }];
    const text = describeRollback({ verdict: 'regressed', kpis });
    expect(text.length).toBeLessThanOrEqual(200);
    expect(text).toMatch(/; and 3 more$/);
    expect(describeRollback({ verdict: 'undecided', kpis: [success, errors].map((k) => ({ ...k, verdict: 'undecided' as const })) })).toBe('');
  });

  it('says a regression without an estimate rests on its count test', () => {
    const jumped: KpiEvidence = { ...slowNoData, eValue: 1900, verdict: 'regressed' };
    expect(describeRollback({ verdict: 'regressed', kpis: [jumped] })).toBe('slow requests vs stable regressed (no estimate yet, e-value 1,900)');
  });
});

describe('verdictLines (mail)', () => {
  const check: KpiCheck = {
    judge: 'statistical',
    stage: 'canary',
    at: '2025-03-04T10:12:00.000Z',
    from: '2025-03-04T10:10:00.000Z',
    to: '2025-03-04T10:12:00.000Z',
    candidate: { requests: 4800, errors: 3, errorRate: 0.000625, p99Ms: 12, successRate: 0.2, shadowRequests: 0, shadowAgreement: null },
    stable: null,
    rules: [],
    judgement: { verdict: 'regressed', kpis: [errorCeiling, success] },
    verdict: 'breach',
  };

  it('lists every KPI of a statistical check, indented, those that decided first', () => {
    expect(verdictLines(check)).toEqual([`  ${describeKpi(success)}`, `  ${describeKpi(errorCeiling)}`]);
  });

  it('lists the breached rules of a thresholds check as before', () => {
    const rules: KpiCheck['rules'] = [
      { rule: 'error_rate', value: 0.001, threshold: 0.02, verdict: 'pass' },
      { rule: 'p99_latency_ms', value: 141.3, threshold: 50, verdict: 'breach' },
    ];
    expect(verdictLines({ ...check, judge: 'thresholds', judgement: null, rules })).toEqual(['  breached p99_latency_ms: 141.3 (threshold 50)']);
  });
});
