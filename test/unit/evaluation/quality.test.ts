import { checkQuality } from '../../../src/evaluation';
import { generateSynthetic, leaveLastNSplit, type Interactions } from '../../../src/models';
import { byName, concat, defaults, EMPTY, good, mapColumns, rowsWhere, train, validation } from './fixtures';

const gate = defaults.quality;
const check = (recent: Interactions) => checkQuality({ candidate: good, train, recent, gate });
const failed = (evidence: ReturnType<typeof check>) => evidence.checks.filter((c) => c.verdict === 'fail').map((c) => c.name);
const driftNames = (feature: string) => ['psi', 'ks', 'js'].map((s) => `drift_${feature}_${s}`);

describe('checkQuality', () => {
  it('passes recent data from the same users and catalogue as training, every check named', () => {
    const evidence = check(validation);
    expect(evidence.pass).toBe(true);
    expect(evidence.checks.map((c) => c.name)).toEqual([
      'train_integrity',
      'train_duplicates',
      'recent_integrity',
      'recent_duplicates',
      'id_coverage',
      ...driftNames('rating'),
      ...driftNames('user_activity'),
      ...driftNames('item_popularity'),
    ]);
    expect(evidence.checks.every((c) => c.verdict === 'pass')).toBe(true);
    expect(evidence.datasets.train).toEqual({
      rows: train.users.length,
      users: new Set(train.users).size,
      items: new Set(train.items).size,
      findings: [],
    });
    expect(evidence.datasets.recent.rows).toBe(validation.users.length);
    const psi = byName(evidence.checks).drift_rating_psi;
    expect(psi.values).toEqual({ psi: expect.any(Number), referenceSize: train.users.length, currentSize: validation.users.length });
    expect(psi.values.psi as number).toBeLessThan(0.05);
    expect(byName(evidence.checks).drift_rating_ks.thresholds).toEqual({ maxKs: 0.1, maxPValue: 0.01 });
  });

  it('measures id coverage of the recent catalogue by the model', () => {
    const coverage = byName(check(validation).checks).id_coverage;
    const known = new Set(good.itemIds);
    const recentItems = new Set(validation.items);
    const shared = [...recentItems].filter((i) => known.has(i)).length;
    expect(coverage.values).toMatchObject({ recentItems: recentItems.size, knownItems: shared, share: shared / recentItems.size });
    expect(coverage.values.interactionShare as number).toBeGreaterThan(coverage.values.share as number);

    // A catalogue the model has never seen: new item ids for every recent interaction.
    const renamed = byName(check(mapColumns(validation, { items: (i) => i + 1_000_000 })).checks).id_coverage;
    expect(renamed).toMatchObject({ verdict: 'fail', values: { knownItems: 0, share: 0, interactionShare: 0 } });
    expect(renamed.summary).toMatch(/^the model knows 0 of \d+ items seen in recent data \(0% < 50%\)/);
  });

  it('detects a shift in ratings and only there', () => {
    const harsher = mapColumns(validation, { ratings: (r) => Math.max(0.5, r - 1.5) });
    const evidence = check(harsher);
    expect(failed(evidence)).toEqual(driftNames('rating'));
    expect(byName(evidence.checks).drift_rating_psi.values.psi as number).toBeGreaterThan(1);
    expect(byName(evidence.checks).drift_rating_ks.values.statistic as number).toBeGreaterThan(0.3);
    expect(byName(evidence.checks).drift_rating_ks.summary).toMatch(/^rating: KS D 0\.\d{3} > 0\.100, p /);
  });

  it('detects a change of popular items (data generated from another seed)', () => {
    const elsewhere = leaveLastNSplit(generateSynthetic({ users: 300, items: 2000, interactionsPerUser: 25, seed: 12 }), 5).test;
    const evidence = check(elsewhere);
    expect(failed(evidence)).toEqual(driftNames('item_popularity'));
    expect(byName(evidence.checks).drift_item_popularity_js.values.js as number).toBeGreaterThan(0.2);
  });

  it('detects a wave of users unknown at training time', () => {
    const newcomers = mapColumns(validation, { users: (u) => u + 1_000_000 });
    const evidence = check(newcomers);
    expect(failed(evidence)).toEqual(driftNames('user_activity'));
    expect(byName(evidence.checks).drift_user_activity_ks.values.statistic).toBe(1);
  });

  it('does not flag a smaller sample of the same traffic', () => {
    const oddUsers = rowsWhere(validation, (r) => validation.users[r] % 2 === 1);
    expect(oddUsers.users.length).toBeLessThan(0.6 * validation.users.length);
    expect(check(oddUsers).pass).toBe(true);
  });

  it('flags duplicated events by their share', () => {
    const copies = rowsWhere(validation, (r) => r % 20 === 0);
    const duplicated = check(concat(validation, copies));
    const dup = byName(duplicated.checks).recent_duplicates;
    expect(dup.verdict).toBe('fail');
    expect(dup.values).toEqual({ rows: validation.users.length + copies.users.length, duplicateRows: copies.users.length, share: copies.users.length / (validation.users.length + copies.users.length) });
    expect(dup.summary).toMatch(/^recent data: \d+ duplicate \(user, item, timestamp\) events, 4\.\d% of \d+ rows > 1% allowed$/);
    expect(failed(duplicated)).toEqual(['recent_duplicates']);
    expect(duplicated.datasets.recent.findings).toEqual([
      expect.objectContaining({ check: 'duplicate_event', severity: 'error', count: copies.users.length, examples: expect.any(Array) }),
    ]);

    // Two stray copies are within the 1% tolerance: recorded, not blocking.
    const few = byName(check(concat(validation, rowsWhere(validation, (r) => r < 2))).checks).recent_duplicates;
    expect(few).toMatchObject({ verdict: 'pass', values: { duplicateRows: 2 } });
  });

  it('fails on missing ratings and still measures drift on the rest', () => {
    const holes = mapColumns(validation, {});
    holes.ratings[3] = NaN;
    holes.ratings[7] = NaN;
    const evidence = check(holes);
    expect(failed(evidence)).toEqual(['recent_integrity']);
    const integrity = byName(evidence.checks).recent_integrity;
    expect(integrity.values).toMatchObject({ errorFindings: 1, errorRows: 2 });
    expect(integrity.summary).toBe(`recent data: non_finite: 2 of ${holes.users.length} rows have a missing (NaN) or infinite rating or timestamp`);
    expect(byName(evidence.checks).drift_rating_psi.values.currentSize).toBe(holes.users.length - 2);
  });

  it('skips what cannot be computed on malformed or empty data, saying why', () => {
    const malformed = { ...validation, users: Float64Array.from(validation.users) } as unknown as Interactions;
    const evidence = check(malformed);
    expect(failed(evidence)).toEqual(['recent_integrity']);
    const skippedChecks = evidence.checks.filter((c) => c.verdict === 'skipped');
    expect(skippedChecks.map((c) => c.name)).toEqual(['recent_duplicates', 'id_coverage', ...driftNames('rating'), ...driftNames('user_activity'), ...driftNames('item_popularity')]);
    expect(skippedChecks.every((c) => c.verdict === 'skipped' && c.reason === 'recent data failed the schema check')).toBe(true);

    const empty = check(EMPTY);
    expect(byName(empty.checks).recent_integrity).toMatchObject({ verdict: 'fail', summary: 'recent data: empty: dataset has no interactions' });
    expect(byName(empty.checks).drift_rating_psi).toMatchObject({ verdict: 'skipped', reason: 'recent data failed the empty check' });
  });
});
