import { createScorer, encodeArtifact, loadArtifact, mulberry32, type EmbeddingArtifact } from '../../../src/models';
import { TopKHeap } from '../../../src/models/scoring/topk-heap';
import { integerModel } from './fixtures';

/** The obvious implementation: score everything, sort by (score desc, index asc), cut. */
function bruteForce(model: EmbeddingArtifact, userId: number, k: number, exclude: Set<number>) {
  const u = Array.from(model.userIds).indexOf(userId);
  const rows = Array.from(model.itemIds, (id, i) => {
    let score = 0;
    if (u >= 0) for (let f = 0; f < model.dims; f++) score += model.userFactors[u * model.dims + f] * model.itemFactors[i * model.dims + f];
    if (u >= 0 && model.itemBias) score += model.itemBias[i];
    if (u < 0) score = model.popularity ? model.popularity[i] : model.itemBias ? model.itemBias[i] : 0;
    return { id, i, score };
  })
    .filter((row) => !exclude.has(row.id))
    .sort((a, b) => b.score - a.score || a.i - b.i)
    .slice(0, k);
  return { items: rows.map((r) => r.id), scores: rows.map((r) => r.score) };
}

describe('TopKHeap', () => {
  it('selects the k best in order, lower index winning ties, whatever the offer order', () => {
    const rng = mulberry32(5);
    const heap = new TopKHeap(20);
    for (let trial = 0; trial < 50; trial++) {
      const n = 1 + Math.floor(rng() * 60);
      const k = Math.floor(rng() * 21);
      const scores = Array.from({ length: n }, () => Math.floor(rng() * 6));
      const order = Array.from({ length: n }, (_, i) => i).sort(() => rng() - 0.5);
      heap.reset(k);
      for (const i of order) heap.offer(i, scores[i]);
      const items: number[] = [];
      const got: number[] = [];
      heap.drainInto(items, got);
      const expected = scores
        .map((s, i) => ({ s, i }))
        .sort((a, b) => b.s - a.s || a.i - b.i)
        .slice(0, k);
      expect(items).toEqual(expected.map((e) => e.i));
      expect(got).toEqual(expected.map((e) => e.s));
      expect(heap.size).toBe(0);
    }
  });
});

describe('createScorer', () => {
  it('matches a brute-force sort on random models, with and without exclusions and bias', () => {
    for (let seed = 1; seed <= 12; seed++) {
      const dims = [1, 3, 4, 8, 13][seed % 5];
      const model = integerModel(6, 40 + seed * 3, dims, seed, { bias: seed % 2 === 0, popularity: true });
      const scorer = createScorer(loadArtifact(encodeArtifact(model)));
      const rng = mulberry32(seed * 31);
      for (const userId of model.userIds) {
        for (const k of [0, 1, 5, 10, 200]) {
          const exclude = new Set(Array.from(model.itemIds).filter(() => rng() < 0.3));
          const got = scorer.topK(userId, k, { exclude });
          const want = bruteForce(model, userId, k, exclude);
          expect(got.items).toEqual(want.items);
          expect(got.scores).toEqual(want.scores);
          expect(got.fallback).toBe(false);
        }
      }
    }
  });

  it('breaks ties by the lower item index', () => {
    const model: EmbeddingArtifact = {
      kind: 'embedding',
      dims: 1,
      userIds: Float64Array.from([1]),
      itemIds: Float64Array.from([50, 40, 30, 20]),
      userFactors: Float32Array.from([1]),
      itemFactors: Float32Array.from([1, 2, 1, 2]),
      metadata: {},
    };
    expect(createScorer(model).topK(1, 3)).toEqual({ items: [40, 20, 50], scores: [2, 2, 1], fallback: false });
  });

  it('falls back to the popularity vector for unknown users and says so', () => {
    const model = integerModel(3, 30, 4, 7, { bias: true, popularity: true });
    const scorer = createScorer(model);
    const exclude = [model.itemIds[0], model.itemIds[5], 999_999];
    const got = scorer.topK(-42, 7, { exclude });
    expect(got.fallback).toBe(true);
    expect(got).toEqual({ ...bruteForce(model, -42, 7, new Set(exclude)), fallback: true });
    expect(scorer.knowsUser(-42)).toBe(false);
    expect(scorer.knowsUser(model.userIds[1])).toBe(true);
  });

  it('falls back to the item bias, then to catalogue order, when no popularity is stored', () => {
    const withBias = integerModel(2, 12, 2, 9, { bias: true });
    expect(createScorer(withBias).topK(0, 4)).toEqual({ ...bruteForce(withBias, 0, 4, new Set()), fallback: true });
    const bare = integerModel(2, 5, 2, 9);
    expect(createScorer(bare).topK(0, 3)).toEqual({ items: [1000, 1007, 1014], scores: [0, 0, 0], fallback: true });
  });

  it('scores popularity artifacts by popularity for everyone, without flagging a fallback', () => {
    const scorer = createScorer({
      kind: 'popularity',
      itemIds: Float64Array.from([10, 20, 30, 40]),
      scores: Float32Array.from([3, 9, 9, 1]),
      metadata: { faults: { failureRate: 0.5 } },
    });
    expect(scorer.topK(1, 3)).toEqual({ items: [20, 30, 10], scores: [9, 9, 3], fallback: false });
    expect(scorer.topK(1, 10, { exclude: [30] }).items).toEqual([20, 10, 40]);
    expect(scorer.faults).toEqual({ failureRate: 0.5 });
  });

  it('clears exclusions between calls and accepts any iterable', () => {
    const model = integerModel(1, 10, 3, 4, { popularity: true });
    const scorer = createScorer(model);
    const full = scorer.topK(1, 10).items;
    const excluded = scorer.topK(1, 10, { exclude: new Set(full.slice(0, 3)).values() }).items;
    expect(excluded).toEqual(full.slice(3));
    expect(scorer.topK(1, 10).items).toEqual(full);
  });

  it('rejects a negative or fractional k', () => {
    const scorer = createScorer(integerModel(1, 3, 1, 1));
    expect(() => scorer.topK(1, -1)).toThrow(RangeError);
    expect(() => scorer.topK(1, 1.5)).toThrow(RangeError);
  });
});
