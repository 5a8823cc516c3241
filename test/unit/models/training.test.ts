import {
  artifactSha256,
  buildHeldOut,
  createScorer,
  encodeArtifact,
  evaluate,
  generateSynthetic,
  leaveLastNSplit,
  loadArtifact,
  trainAls,
  trainPopularity,
  type EmbeddingArtifact,
  type Interactions,
} from '../../../src/models';
import { solveHalfStep } from '../../../src/models/training/cg-solver';
import { buildCsrPair } from '../../../src/models/training/sparse';

const data = generateSynthetic({ users: 300, items: 400, seed: 2 });
const split = leaveLastNSplit(data, 5);
const heldOut = buildHeldOut(split.train, split.test);
const fast = { factors: 16, iterations: 8 };

describe('trainAls', () => {
  const model = trainAls(split.train, { ...fast, seed: 7 });

  it('is deterministic: same data and seed give the same sha256, another seed does not', async () => {
    const sha = artifactSha256(encodeArtifact(model));
    expect(artifactSha256(encodeArtifact(trainAls(split.train, { ...fast, seed: 7 })))).toBe(sha);
    expect(artifactSha256(encodeArtifact(trainAls(split.train, { ...fast, seed: 8 })))).not.toBe(sha);
  });

  it('produces a loadable artifact describing its training', async () => {
    const loaded = loadArtifact(encodeArtifact(model)) as EmbeddingArtifact;
    expect(loaded.dims).toBe(16);
    expect(loaded.userIds.length).toBe(300);
    expect(loaded.itemFactors.length).toBe(loaded.itemIds.length * 16);
    expect(loaded.metadata.training).toMatchObject({ algorithm: 'implicit-als-cg', factors: 16, seed: 7, interactions: split.train.users.length });
    expect(loaded.metadata.faults).toBeUndefined();
  });

  it('beats the popularity baseline on synthetic data with latent tastes', async () => {
    const als = await evaluate(createScorer(model), heldOut, { k: 10, excludeSeen: true });
    const pop = await evaluate(createScorer(trainPopularity(split.train)), heldOut, { k: 10, excludeSeen: true });
    expect(heldOut.length).toBe(300);
    expect(pop.ndcg).toBeGreaterThan(0.1);
    expect(als.ndcg).toBeGreaterThan(1.5 * pop.ndcg);
    expect(als.recall).toBeGreaterThan(pop.recall);
    expect(als.coverage).toBeGreaterThan(pop.coverage);
  });

  it('shuffleItemFactors degrades quality while keeping the same factor values and a valid artifact', async () => {
    const broken = trainAls(split.train, { ...fast, seed: 7, faults: { shuffleItemFactors: true } });
    expect(Array.from(broken.itemFactors).sort()).toEqual(Array.from(model.itemFactors).sort());
    expect(broken.metadata.faults).toEqual({ shuffleItemFactors: true });
    const good = await evaluate(createScorer(model), heldOut, { k: 10, excludeSeen: true });
    const bad = await evaluate(createScorer(loadArtifact(encodeArtifact(broken))), heldOut, { k: 10, excludeSeen: true });
    expect(bad.ndcg).toBeLessThan(good.ndcg / 3);
  });

  describe('shuffledItemShare', () => {
    const rows = (a: EmbeddingArtifact) =>
      Array.from({ length: a.itemIds.length }, (_, i) => Array.from(a.itemFactors.subarray(i * a.dims, (i + 1) * a.dims)).join(','));
    const clean = rows(model);
    const moved = (a: EmbeddingArtifact) => rows(a).filter((row, i) => row !== clean[i]).length;
    const partial = trainAls(split.train, { ...fast, seed: 7, faults: { shuffledItemShare: 0.3 } });

    it('moves the requested share of item rows among themselves, keeping every row', async () => {
      expect(rows(partial).sort()).toEqual([...clean].sort());
      expect(moved(partial)).toBe(Math.round(0.3 * model.itemIds.length));
      expect(Array.from(partial.userFactors)).toEqual(Array.from(model.userFactors));
      expect(moved(trainAls(split.train, { ...fast, seed: 7, faults: { shuffledItemShare: 1 } }))).toBe(model.itemIds.length);
    });

    it('is deterministic for a seed and recorded in the metadata', async () => {
      const bytes = encodeArtifact(partial);
      expect(artifactSha256(encodeArtifact(trainAls(split.train, { ...fast, seed: 7, faults: { shuffledItemShare: 0.3 } })))).toBe(artifactSha256(bytes));
      expect(loadArtifact(bytes).metadata.faults).toEqual({ shuffledItemShare: 0.3 });
    });

    it('makes the model worse by degrees: between the clean model and the full shuffle', async () => {
      const options = { k: 10, excludeSeen: true };
      const ndcg = async (a: EmbeddingArtifact) => (await evaluate(createScorer(a), heldOut, options)).ndcg;
      const full = trainAls(split.train, { ...fast, seed: 7, faults: { shuffleItemFactors: true } });
      const [partialNdcg, cleanNdcg, fullNdcg] = [await ndcg(partial), await ndcg(model), await ndcg(full)];
      expect(partialNdcg).toBeLessThan(cleanNdcg);
      expect(partialNdcg).toBeGreaterThan(2 * fullNdcg);
    });

    it('at 0 changes no factor', async () => {
      const untouched = trainAls(split.train, { ...fast, seed: 7, faults: { shuffledItemShare: 0 } });
      expect(Array.from(untouched.itemFactors)).toEqual(Array.from(model.itemFactors));
      expect(untouched.metadata.faults).toEqual({ shuffledItemShare: 0 });
    });

    it('outside [0, 1] is refused by the trainer, the encoder and the loader, naming the field', async () => {
      expect(() => trainAls(split.train, { ...fast, iterations: 1, faults: { shuffledItemShare: -0.1 } })).toThrow(/shuffledItemShare must be a number in \[0, 1\]/);
      const rule = expect.objectContaining({ reason: 'bad_metadata', message: expect.stringContaining('metadata.faults.shuffledItemShare must be a number in [0, 1]') });
      expect(() => encodeArtifact({ ...model, metadata: { faults: { shuffledItemShare: 1.5 } } })).toThrow(rule);
      // Same length as the valid value, so only the metadata's meaning changes, not the layout.
      const bytes = encodeArtifact({ ...model, metadata: { faults: { shuffledItemShare: 0.5 } } });
      const at = bytes.indexOf('"shuffledItemShare":0.5');
      expect(at).toBeGreaterThan(0);
      bytes.write('"shuffledItemShare":1.5', at, 'utf8');
      expect(() => loadArtifact(bytes)).toThrow(rule);
    });
  });

  it('records runtime faults for the serving layer', async () => {
    const slow = trainAls(split.train, { ...fast, iterations: 1, faults: { addedLatencyMs: 200, failureRate: 0.25 } });
    expect(loadArtifact(encodeArtifact(slow)).metadata.faults).toEqual({ addedLatencyMs: 200, failureRate: 0.25 });
  });

  it('merges duplicate interactions instead of double counting them', async () => {
    const once = table([[1, 1, 4, 1], [1, 2, 3, 2], [2, 2, 5, 3], [3, 1, 1, 4]]);
    const twice = table([[1, 1, 2, 1], [1, 1, 2, 5], [1, 2, 3, 2], [2, 2, 5, 3], [3, 1, 1, 4]]);
    const a = trainAls(once, { factors: 2, iterations: 3 });
    const b = trainAls(twice, { factors: 2, iterations: 3 });
    expect(Array.from(b.userFactors)).toEqual(Array.from(a.userFactors));
    expect(Array.from(b.itemFactors)).toEqual(Array.from(a.itemFactors));
  });
});

describe('implicit-ALS half-step', () => {
  it('with as many CG steps as dims, solves (Y\'Y + lambda I + sum e y y\') x = sum (1 + e) y exactly', () => {
    const dims = 3;
    const lambda = 0.5;
    const Y = Float64Array.from([1, 0, 2, 0, 1, -1, 3, 1, 0, -1, 2, 1]); // 4 items x 3 dims
    // user 0 interacted with items 1 (e = 2) and 3 (e = 0.5); user 1 with item 0 (e = 1)
    const { byUser } = buildCsrPair(Int32Array.from([0, 0, 1]), Int32Array.from([1, 3, 0]), Float64Array.from([2, 0.5, 1]), 2, 4);
    const X = Float64Array.from([0.3, -0.2, 0.1, 0, 0, 0]);
    solveHalfStep(X, Y, byUser, dims, lambda, dims);

    const y = (i: number) => Array.from(Y.subarray(i * dims, (i + 1) * dims));
    const system = (entries: [number, number][]) => {
      const A = [0, 1, 2].map((a) => [0, 1, 2].map((b) => [0, 1, 2, 3].reduce((s, i) => s + y(i)[a] * y(i)[b], a === b ? lambda : 0)));
      const rhs = [0, 0, 0];
      for (const [i, e] of entries) {
        for (let a = 0; a < dims; a++) {
          rhs[a] += (1 + e) * y(i)[a];
          for (let b = 0; b < dims; b++) A[a][b] += e * y(i)[a] * y(i)[b];
        }
      }
      return { A, rhs };
    };
    for (const [user, entries] of [[0, [[1, 2], [3, 0.5]]], [1, [[0, 1]]]] as [number, [number, number][]][]) {
      const { A, rhs } = system(entries);
      const x = Array.from(X.subarray(user * dims, (user + 1) * dims));
      A.forEach((row, a) => expect(row.reduce((s, v, b) => s + v * x[b], 0)).toBeCloseTo(rhs[a], 9));
    }
  });
});

describe('trainPopularity', () => {
  it('counts distinct users per item, optionally above a rating', async () => {
    const d = table([[1, 30, 5, 1], [2, 30, 2, 1], [2, 30, 4, 2], [3, 10, 4, 1], [1, 20, 1, 1]]);
    const pop = trainPopularity(d);
    expect(Array.from(pop.itemIds)).toEqual([10, 20, 30]);
    expect(Array.from(pop.scores)).toEqual([1, 1, 2]);
    expect(Array.from(trainPopularity(d, { minRating: 4 }).scores)).toEqual([1, 0, 2]);
    expect(createScorer(pop).topK(99, 3).items).toEqual([30, 10, 20]);
  });
});

function table(rows: number[][]): Interactions {
  return {
    users: Int32Array.from(rows.map((r) => r[0])),
    items: Int32Array.from(rows.map((r) => r[1])),
    ratings: Float32Array.from(rows.map((r) => r[2])),
    timestamps: Float64Array.from(rows.map((r) => r[3])),
  };
}
