import { jsonProblems } from '../../../src/audit/json';
import { gateEvidenceSchema, qualityEvidenceSchema, scenarioEvidenceSchema, validationEvidenceSchema, type GateEvidence } from '../../../src/contracts/evidence';
import { checkQuality, runScenarios, summarizeEvidence, validateModel } from '../../../src/evaluation';
import { defaults, mapColumns, good, popularity, scenarioGate, shuffled, train, validation } from './fixtures';

const base = { train, validation };
const evidences: [string, GateEvidence][] = [
  ['validation, passing', validateModel({ ...base, candidate: good, champion: popularity, gate: defaults.validation })],
  ['validation, failing', validateModel({ ...base, candidate: shuffled, champion: good, gate: defaults.validation })],
  ['validation, no champion', validateModel({ ...base, candidate: good, champion: null, gate: defaults.validation })],
  ['scenarios, failing', runScenarios({ ...base, candidate: shuffled, champion: good, gate: scenarioGate })],
  ['scenarios, no champion', runScenarios({ ...base, candidate: good, champion: null, gate: scenarioGate })],
  ['quality, passing', checkQuality({ candidate: good, train, recent: validation, gate: defaults.quality })],
  ['quality, broken data', checkQuality({ candidate: good, train, recent: mapColumns(validation, { ratings: (r) => (r > 4 ? NaN : r) }), gate: defaults.quality })],
];

describe.each(evidences)('evidence (%s)', (_, evidence) => {
  it('round-trips through JSON unchanged', () => {
    expect(JSON.parse(JSON.stringify(evidence))).toStrictEqual(evidence);
  });

  it('validates against its schema, unchanged by parsing', () => {
    expect(gateEvidenceSchema.parse(evidence)).toStrictEqual(evidence);
  });

  it('can be stored in the audit log as it is', () => {
    expect(jsonProblems(evidence)).toEqual([]);
  });
});

describe('evidence schemas', () => {
  const [, validationEvidence] = evidences[1];
  const first = validationEvidence.checks[0];

  it('refuses a skipped check without a reason and a measured one with a reason', () => {
    const noReason = { ...validationEvidence, checks: [{ ...first, verdict: 'skipped' }] };
    expect(validationEvidenceSchema.safeParse(noReason).success).toBe(false);
    const reasoned = { ...validationEvidence, checks: [{ ...first, reason: 'because' }] };
    expect(validationEvidenceSchema.safeParse(reasoned).success).toBe(false);
  });

  it('refuses values JSON or the audit log would alter', () => {
    for (const values of [{ ndcg: NaN }, { ndcg: Infinity }, { 'ndcg.at10': 0.1 }, { $ndcg: 0.1 }, { ndcg: [0.1] }]) {
      const result = validationEvidenceSchema.safeParse({ ...validationEvidence, checks: [{ ...first, values }] });
      expect(result.success).toBe(false);
    }
  });

  it('refuses a gate verdict that contradicts its checks', () => {
    const result = validationEvidenceSchema.safeParse({ ...validationEvidence, pass: true });
    expect(result.success).toBe(false);
    expect(result.error!.issues[0]).toMatchObject({ path: ['pass'], message: 'pass must be true exactly when no check failed' });
  });

  it('tells the gates apart by their tag', () => {
    const kinds = evidences.map(([, e]) => e.gate);
    expect(new Set(kinds)).toEqual(new Set(['validation', 'scenarios', 'quality']));
    expect(scenarioEvidenceSchema.safeParse(validationEvidence).success).toBe(false);
    expect(qualityEvidenceSchema.safeParse(evidences[3][1]).success).toBe(false);
  });
});

describe('summarizeEvidence', () => {
  it('gives a headline and one marked line per check', () => {
    const [, failing] = evidences[1];
    const lines = summarizeEvidence(failing).split('\n');
    expect(lines[0]).toBe('Validation gate: FAIL (1 passed, 3 failed: ndcg_floor, ndcg_regression, recall_regression)');
    expect(lines).toHaveLength(failing.checks.length + 1);
    expect(lines[1]).toBe(`  ✘ ndcg_floor: ${failing.checks[0].summary}`);
    expect(lines[2]).toMatch(/^ {2}✔ recall_floor: Recall@10 /);
  });

  it('marks skipped checks with their reason', () => {
    const [, noChampion] = evidences[4];
    const text = summarizeEvidence(noChampion);
    expect(text.split('\n')[0]).toBe('Scenario gate: PASS (4 passed, 1 skipped)');
    expect(text).toContain('  – shadow: shadow comparison with the champion: skipped, no champion yet');
  });

  it('names the data quality gate and every failed check', () => {
    // Blanking the ratings above 4 is both missing data and a shifted rating distribution.
    expect(summarizeEvidence(evidences[6][1]).split('\n')[0]).toBe(
      'Data quality gate: FAIL (10 passed, 4 failed: recent_integrity, drift_rating_psi, drift_rating_ks, drift_rating_js)',
    );
  });
});
