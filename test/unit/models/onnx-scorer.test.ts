/**
 * @jest-environment ./test/support/native-tensor-environment.js
 */
import { createScorer, mulberry32, type EmbeddingArtifact } from '../../../src/models';
import { createOnnxScorer, type OnnxScorer } from '../../../src/models/scoring/onnx-scorer';

/**
 * Factors of small integers: every score is an exact integer in float32 as in float64, so the two scorers must agree
 * exactly, and the many equal scores show how each breaks ties.
 */
function integerModel(seed: number, users: number, items: number, dims: number, bias: boolean): EmbeddingArtifact {
  const rng = mulberry32(seed);
  const ints = (n: number) => Float32Array.from({ length: n }, () => Math.floor(rng() * 7) - 3);
  return {
    kind: 'embedding',
    dims,
    userIds: Float64Array.from({ length: users }, (_, i) => 100 + i),
    itemIds: Float64Array.from({ length: items }, (_, i) => 5000 - 3 * i),
    userFactors: ints(users * dims),
    itemFactors: ints(items * dims),
    ...(bias ? { itemBias: ints(items) } : {}),
    popularity: ints(items),
    metadata: {},
  };
}

describe('the ONNX scorer against the TypeScript reference', () => {
  const scorers: OnnxScorer[] = [];
  afterAll(async () => {
    for (const s of scorers) await s.close();
  });

  it.each([
    { seed: 1, dims: 8, bias: false },
    { seed: 2, dims: 13, bias: true },
    { seed: 3, dims: 64, bias: true },
  ])('gives the same top-k, ties broken the same way (seed $seed, $dims dims, bias $bias)', async ({ seed, dims, bias }) => {
    const model = integerModel(seed, 40, 700, dims, bias);
    const reference = createScorer(model);
    const onnx = await createOnnxScorer(model);
    scorers.push(onnx);
    const rng = mulberry32(seed + 100);
    let ties = 0;
    for (const userId of model.userIds) {
      const exclude = Array.from({ length: 30 }, () => model.itemIds[Math.floor(rng() * model.itemIds.length)]!);
      for (const k of [1, 10, 50]) {
        const want = reference.topK(userId, k, { exclude });
        const got = await onnx.topK(userId, k, { exclude });
        expect({ userId, k, items: got.items, scores: got.scores, fallback: got.fallback }).toEqual({ userId, k, items: want.items, scores: want.scores, fallback: false });
        for (let i = 1; i < want.scores.length; i++) if (want.scores[i] === want.scores[i - 1]) ties++;
      }
    }
    expect(ties).toBeGreaterThan(100);
  });

  it('answers an unknown user with the popularity fallback, and k beyond what may be shown with what may', async () => {
    const model = integerModel(4, 5, 20, 4, false);
    const onnx = await createOnnxScorer(model);
    scorers.push(onnx);
    expect(await onnx.topK(-1, 5)).toEqual(createScorer(model).topK(-1, 5));
    const exclude = Array.from(model.itemIds).slice(0, 15);
    const got = await onnx.topK(100, 50, { exclude });
    expect(got.items).toEqual(createScorer(model).topK(100, 50, { exclude }).items);
    expect(got.items).toHaveLength(5);
    await expect(onnx.topK(100, -1)).rejects.toThrow('k must be a non-negative integer');
  });
});
