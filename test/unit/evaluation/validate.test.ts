import { buildHeldOut, createScorer, evaluate } from '../../../src/models';
import { byName, defaults, validate, good, popularity, shuffled, sibling, train, validation } from './fixtures';

const gate = defaults.validation;

describe('validateModel', () => {
  it('passes a good model that beats the popularity champion, with the metrics of the evaluation protocol', async () => {
    const evidence = await validate({ candidate: good, champion: popularity, train, validation, gate });
    const reference = await evaluate(createScorer(good), buildHeldOut(train, validation), { k: 10, excludeSeen: true });

    expect(evidence.pass).toBe(true);
    expect(evidence.k).toBe(10);
    expect(evidence.candidate).toEqual({
      ndcg: reference.ndcg,
      recall: reference.recall,
      precision: reference.precision,
      map: reference.map,
      hitRate: reference.hitRate,
      coverage: reference.coverage,
      users: reference.users,
      fallbackUsers: reference.fallbackUsers,
    });
    expect(evidence.candidate.users).toBeGreaterThan(290);
    expect(evidence.candidate.ndcg).toBeGreaterThan(1.3 * evidence.champion!.ndcg);
    expect(evidence.checks.map((c) => [c.name, c.verdict])).toEqual([
      ['ndcg_floor', 'pass'],
      ['recall_floor', 'pass'],
      ['ndcg_regression', 'pass'],
      ['recall_regression', 'pass'],
    ]);

    const checks = byName(evidence.checks);
    expect(checks.ndcg_floor).toMatchObject({ values: { ndcg: reference.ndcg, users: reference.users }, thresholds: { minNdcg: 0.01 } });
    const regression = checks.ndcg_regression.values;
    expect(regression.candidate).toBe(reference.ndcg);
    expect(regression.champion).toBe(evidence.champion!.ndcg);
    expect(regression.delta).toBeCloseTo(reference.ndcg - evidence.champion!.ndcg, 12);
    expect(regression.required).toBeCloseTo(0.95 * evidence.champion!.ndcg, 12);
    // The gain is far outside the noise: the whole bootstrap interval is above zero.
    expect(regression.deltaCiLow as number).toBeGreaterThan(0);
    expect(regression.deltaCiHigh as number).toBeGreaterThan(regression.deltaCiLow as number);
    expect(checks.ndcg_floor.summary).toMatch(/^NDCG@10 0\.\d{3} ≥ floor 0\.010 \(\d+ users\)$/);
    expect(checks.ndcg_regression.summary).toMatch(/NDCG@10 0\.\d{3} vs champion 0\.\d{3} \(\+\d+\.\d%.*within the 5% allowed regression$/);
  });

  it('passes a model within the allowed regression of an equally good champion', async () => {
    const evidence = await validate({ candidate: good, champion: sibling, train, validation, gate });
    const ndcg = byName(evidence.checks).ndcg_regression.values;
    expect(Math.abs(ndcg.relativeDelta as number)).toBeLessThan(0.05);
    expect(evidence.pass).toBe(true);
  });

  it('fails a model with shuffled item factors on the floor and against a good champion', async () => {
    const evidence = await validate({ candidate: shuffled, champion: good, train, validation, gate });
    expect(evidence.pass).toBe(false);
    const checks = byName(evidence.checks);
    expect(checks.ndcg_floor.verdict).toBe('fail');
    expect(checks.ndcg_floor.values.ndcg as number).toBeLessThan(0.01);
    expect(checks.ndcg_floor.summary).toMatch(/^NDCG@10 0\.00\d+ < floor 0\.010/);
    expect(checks.ndcg_regression.verdict).toBe('fail');
    expect(checks.recall_regression.verdict).toBe('fail');
    expect(checks.ndcg_regression.values.relativeDelta as number).toBeLessThan(-0.9);
    expect(checks.ndcg_regression.values.deltaCiHigh as number).toBeLessThan(0);
    expect(checks.ndcg_regression.summary).toMatch(/regresses beyond the 5% allowed \(needs ≥ 0\.\d{3}\)$/);
    // The default recall floor is 0: a broken model still "passes" it, which is why the regression check matters.
    expect(checks.recall_floor.verdict).toBe('pass');
  });

  it('judges only the floors when there is no champion yet', async () => {
    const evidence = await validate({ candidate: good, champion: null, train, validation, gate });
    expect(evidence.pass).toBe(true);
    expect(evidence.champion).toBeNull();
    for (const name of ['ndcg_regression', 'recall_regression']) {
      expect(byName(evidence.checks)[name]).toEqual(expect.objectContaining({ verdict: 'skipped', reason: 'no champion yet', values: {} }));
    }
    expect((await validate({ candidate: shuffled, champion: null, train, validation, gate })).pass).toBe(false);
  });

  it('applies the floors it is given', async () => {
    const ndcg = (await validate({ candidate: good, champion: null, train, validation, gate })).candidate.ndcg;
    const strict = await validate({ candidate: good, champion: null, train, validation, gate: { ...gate, minNdcg: ndcg + 1e-9, minRecall: 0.9 } });
    expect(strict.checks.filter((c) => c.verdict === 'fail').map((c) => c.name)).toEqual(['ndcg_floor', 'recall_floor']);
    const exact = await validate({ candidate: good, champion: null, train, validation, gate: { ...gate, minNdcg: ndcg } });
    expect(byName(exact.checks).ndcg_floor.verdict).toBe('pass');
  });

  it('fails rather than passes vacuously when no held-out user can be evaluated', async () => {
    const evidence = await validate({ candidate: good, champion: good, train, validation: train, gate: { ...gate, minRecall: 0 } });
    expect(evidence.candidate.users).toBe(0);
    expect(evidence.checks.map((c) => [c.name, c.verdict])).toEqual([
      ['ndcg_floor', 'fail'],
      ['recall_floor', 'fail'],
      ['ndcg_regression', 'skipped'],
      ['recall_regression', 'skipped'],
    ]);
    expect(byName(evidence.checks).ndcg_floor.values).toEqual({ ndcg: null, users: 0 });
  });
});
