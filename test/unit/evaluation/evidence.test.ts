import { jsonProblems } from '../../../src/audit/json';
import { gateEvidenceSchema, qualityEvidenceSchema, scenarioEvidenceSchema, validationEvidenceSchema, type GateEvidence } from '../../../src/contracts/evidence';
import { checkQuality, summarizeEvidence } from '../../../src/evaluation';
import { defaults, mapColumns, good, popularity, scenarioGate, scenarios, shuffled, train, validate, validation } from './fixtures';

const base = { train, validation };
const making: [string, () => Promise<GateEvidence> | GateEvidence][] = [
  ['validation, passing', () => validate({ ...base, candidate: good, champion: popularity, gate: defaults.validation })],
  ['validation, failing', () => validate({ ...base, candidate: shuffled, champion: good, gate: defaults.validation })],
  ['validation, no champion', () => validate({ ...base, candidate: good, champion: null, gate: defaults.validation })],
  ['scenarios, failing', () => scenarios({ ...base, candidate: shuffled, champion: good, gate: scenarioGate })],
  ['scenarios, no champion', () => scenarios({ ...base, candidate: good, champion: null, gate: scenarioGate })],
  ['quality, passing', () => checkQuality({ candidate: good, train, recent: validation, gate: defaults.quality })],
  ['quality, broken data', () => checkQuality({ candidate: good, train, recent: mapColumns(validation, { ratings: (r) => (r > 4 ? NaN : r) }), gate: defaults.quality })],
];
const evidences: [string, GateEvidence][] = [];
beforeAll(async () => {
  for (const [name, make] of making) evidences.push([name, await make()]);
});
const evidenceOf = (name: string) => evidences.find(([n]) => n === name)![1];

describe.each(making.map(([name]) => name))('evidence (%s)', (name) => {
  it('round-trips through JSON unchanged', async () => {
    const evidence = evidenceOf(name);
    expect(JSON.parse(JSON.stringify(evidence))).toStrictEqual(evidence);
  });

  it('validates against its schema, unchanged by parsing', async () => {
    const evidence = evidenceOf(name);
    expect(gateEvidenceSchema.parse(evidence)).toStrictEqual(evidence);
  });

  it('can be stored in the audit log as it is', async () => {
    const evidence = evidenceOf(name);
    expect(jsonProblems(evidence)).toEqual([]);
  });
});

describe('evidence schemas', () => {
  let validationEvidence: GateEvidence;
  let first: GateEvidence['checks'][number];
  beforeAll(() => {
    validationEvidence = evidences[1]![1];
    first = validationEvidence.checks[0]!;
  });

  it('refuses a skipped check without a reason and a measured one with a reason', async () => {
    const noReason = { ...validationEvidence, checks: [{ ...first, verdict: 'skipped' }] };
    expect(validationEvidenceSchema.safeParse(noReason).success).toBe(false);
    const reasoned = { ...validationEvidence, checks: [{ ...first, reason: 'because' }] };
    expect(validationEvidenceSchema.safeParse(reasoned).success).toBe(false);
  });

  it('refuses values JSON or the audit log would alter', async () => {
    for (const values of [{ ndcg: NaN }, { ndcg: Infinity }, { 'ndcg.at10': 0.1 }, { $ndcg: 0.1 }, { ndcg: [0.1] }]) {
      const result = validationEvidenceSchema.safeParse({ ...validationEvidence, checks: [{ ...first, values }] });
      expect(result.success).toBe(false);
    }
  });

  it('refuses a gate verdict that contradicts its checks', async () => {
    const result = validationEvidenceSchema.safeParse({ ...validationEvidence, pass: true });
    expect(result.success).toBe(false);
    expect(result.error!.issues[0]).toMatchObject({ path: ['pass'], message: 'pass must be true exactly when no check failed' });
  });

  it('tells the gates apart by their tag', async () => {
    const kinds = evidences.map(([, e]) => e.gate);
    expect(new Set(kinds)).toEqual(new Set(['validation', 'scenarios', 'quality']));
    expect(scenarioEvidenceSchema.safeParse(validationEvidence).success).toBe(false);
    expect(qualityEvidenceSchema.safeParse(evidences[3][1]).success).toBe(false);
  });
});

describe('summarizeEvidence', () => {
  it('gives a headline and one marked line per check', async () => {
    const [, failing] = evidences[1];
    const lines = summarizeEvidence(failing).split('\n');
    expect(lines[0]).toBe('Validation gate: FAIL (1 passed, 3 failed: ndcg_floor, ndcg_regression, recall_regression)');
    expect(lines).toHaveLength(failing.checks.length + 1);
    expect(lines[1]).toBe(`  ✘ ndcg_floor: ${failing.checks[0].summary}`);
    expect(lines[2]).toMatch(/^ {2}✔ recall_floor: Recall@10 /);
  });

  it('marks skipped checks with their reason', async () => {
    const [, noChampion] = evidences[4];
    const text = summarizeEvidence(noChampion);
    expect(text.split('\n')[0]).toBe('Scenario gate: PASS (4 passed, 1 skipped)');
    expect(text).toContain('  – shadow: shadow comparison with the champion: skipped, no champion yet');
  });

  it('names the data quality gate and every failed check', async () => {
    // Blanking the ratings above 4 is both missing data and a shifted rating distribution.
    expect(summarizeEvidence(evidences[6][1]).split('\n')[0]).toBe(
      'Data quality gate: FAIL (10 passed, 4 failed: recent_integrity, drift_rating_psi, drift_rating_ks, drift_rating_js)',
    );
  });
});
