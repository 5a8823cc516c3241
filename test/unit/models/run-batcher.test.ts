import { createRunBatcher } from '../../../src/models/scoring/run-batcher';

describe('the run batcher', () => {
  it('runs a lone request at once, and gathers those that arrive during a run into the next one', async () => {
    const runs: number[] = [];
    const batcher = createRunBatcher(async (users, _masks, want) => {
      runs.push(users.length);
      await new Promise((resolve) => setTimeout(resolve, 20));
      const scores = new Float32Array(users.length * want);
      const indices = new BigInt64Array(users.length * want);
      users.forEach((u, i) => {
        for (let j = 0; j < want; j++) [scores[i * want + j], indices[i * want + j]] = [Number(u) * 10 - j, u];
      });
      return { scores, indices };
    }, 4);
    const first = batcher(1, new Float32Array(4), 2);
    const rest = [2, 3, 4].map((u) => batcher(u, new Float32Array(4), u));
    const rows = await Promise.all([first, ...rest]);
    expect(runs).toEqual([1, 3]);
    expect(rows.map((r) => Array.from(r.scores))).toEqual([[10, 9], [20, 19], [30, 29, 28], [40, 39, 38, 37]]);
  });

  it('fails every request of a failed run, and goes on with the next', async () => {
    let fail = true;
    const batcher = createRunBatcher(async (users, _masks, want) => {
      if (fail) throw new Error('run failed');
      return { scores: new Float32Array(users.length * want), indices: new BigInt64Array(users.length * want) };
    }, 1);
    await expect(batcher(0, new Float32Array(1), 1)).rejects.toThrow('run failed');
    fail = false;
    await expect(batcher(0, new Float32Array(1), 1)).resolves.toMatchObject({ scores: new Float32Array(1) });
  });
});
