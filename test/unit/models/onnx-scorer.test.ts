import { createScorer, loadModel, mulberry32 } from '../../../src/models';
import { integerModel } from './ranker-fixtures';
import { createOnnxScorer } from '../../../src/models/scoring/onnx-scorer';
import { embeddingAsOnnx } from '../../../src/models/onnx/embedding-graph';
import { readOnnxModel } from '../../../src/models/onnx/onnx-model';
import type { Ranker } from '../../../src/models/scoring/ranker';
import { onnx } from 'onnx-proto';

describe('the ONNX scorer against the TypeScript reference', () => {
  const scorers: Ranker[] = [];
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
    const onnx = await createOnnxScorer(embeddingAsOnnx(model));
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

  it('answers requests that arrive together in batches, each as if alone', async () => {
    const model = integerModel(5, 60, 500, 16, true);
    const reference = createScorer(model);
    const onnx = await createOnnxScorer(embeddingAsOnnx(model));
    scorers.push(onnx);
    const rng = mulberry32(55);
    const asks = Array.from(model.userIds, (userId, i) => ({ userId, k: 1 + (i % 25), exclude: Array.from({ length: i % 40 }, () => model.itemIds[Math.floor(rng() * 500)]!) }));
    const together = await Promise.all(asks.map((a) => onnx.topK(a.userId, a.k, { exclude: a.exclude })));
    expect(together).toEqual(asks.map((a) => ({ ...reference.topK(a.userId, a.k, { exclude: a.exclude }), fallback: false })));
  });

  it('answers an unknown user with the popularity fallback, and k beyond what may be shown with what may', async () => {
    const model = integerModel(4, 5, 20, 4, false);
    const onnx = await createOnnxScorer(embeddingAsOnnx(model));
    scorers.push(onnx);
    expect(await onnx.topK(-1, 5)).toEqual(createScorer(model).topK(-1, 5));
    const exclude = Array.from(model.itemIds).slice(0, 15);
    const got = await onnx.topK(100, 50, { exclude });
    expect(got.items).toEqual(createScorer(model).topK(100, 50, { exclude }).items);
    expect(got.items).toHaveLength(5);
    await expect(onnx.topK(100, -1)).rejects.toThrow('k must be a non-negative integer');
  });
});

describe('the ONNX contract', () => {
  const model = integerModel(9, 6, 30, 4, true);
  const good = embeddingAsOnnx(model);
  const decoded = () => onnx.ModelProto.decode(good.bytes);
  const encode = (m: onnx.ModelProto) => onnx.ModelProto.encode(m).finish();
  const refusal = async (bytes: Uint8Array) => {
    try {
      await createOnnxScorer(readOnnxModel(bytes));
    } catch (error) {
      return (error as Error).message;
    }
    return 'accepted';
  };

  it('carries the ids and the fallback in the metadata, and a model read back scores as written', async () => {
    const read = readOnnxModel(good.bytes);
    expect(Array.from(read.itemIds)).toEqual(Array.from(model.itemIds));
    expect(Array.from(read.userIds)).toEqual(Array.from(model.userIds));
    expect(await refusal(good.bytes)).toBe('accepted');
    // Whatever runtime modelship's own artifacts are set to rank in, an ONNX model loads in onnxruntime.
    for (const runtime of ['typescript', 'onnxruntime'] as const) {
      const loaded = await loadModel(Buffer.from(good.bytes), runtime);
      expect({ kind: loaded.kind, runtime: loaded.runtime }).toEqual({ kind: 'onnx', runtime: 'onnxruntime' });
      await loaded.close();
    }
  });

  it('refuses, each with its reason, what does not meet it', async () => {
    const renamed = decoded();
    renamed.graph!.input!.find((i) => i.name === 'mask')!.name = 'seen';
    expect(await refusal(encode(renamed))).toBe('artifact refused (bad_graph): the graph has no input "mask" (it has user_index, seen, k)');

    const wrongType = decoded();
    wrongType.graph!.input!.find((i) => i.name === 'user_index')!.type!.tensorType!.elemType = onnx.TensorProto.DataType.FLOAT;
    expect(await refusal(encode(wrongType))).toMatch(/input "user_index" must be int64/);

    const wrongShape = decoded();
    wrongShape.graph!.input!.find((i) => i.name === 'mask')!.type!.tensorType!.shape!.dim![1]!.dimValue = 29;
    expect(await refusal(encode(wrongShape))).toMatch(/input "mask" dimension 1 is 29, but modelship.item_ids lists 30 items/);

    const noOutput = decoded();
    noOutput.graph!.output = noOutput.graph!.output!.filter((o) => o.name !== 'top_items');
    expect(await refusal(encode(noOutput))).toMatch(/the graph has no output "top_items"/);

    const duplicate = decoded();
    duplicate.metadataProps!.find((p) => p.key === 'modelship.item_ids')!.value = JSON.stringify([...Array.from(model.itemIds).slice(0, 29), model.itemIds[0]]);
    expect(await refusal(encode(duplicate))).toMatch(/duplicate_id.*modelship.item_ids contains 5000 more than once/);

    const unknownIds = decoded();
    unknownIds.metadataProps = unknownIds.metadataProps!.filter((p) => p.key !== 'modelship.user_ids');
    expect(await refusal(encode(unknownIds))).toMatch(/bad_metadata.*metadata_props lacks modelship.user_ids/);

    expect(await refusal(good.bytes.subarray(0, good.bytes.length - 7))).toMatch(/truncated|bad_graph|bad_metadata/);

    const poisoned = { ...model, itemFactors: model.itemFactors.map((v, i) => (i === 5 ? Number.NaN : v)) };
    expect(await refusal(embeddingAsOnnx(poisoned).bytes)).toMatch(/non_finite_output.*on a probe is NaN/);
  });
});
