import { estimateDistinct, mergeSketches, sketchOf, SKETCH_SIZE } from '../../../src/kpis/distinct-users';

const range = (from: number, n: number) => Array.from({ length: n }, (_, i) => from + i);

describe('distinct users from a k-minimum-values sketch', () => {
  it('counts exactly below the sketch size, repeats once', () => {
    expect(estimateDistinct(sketchOf([...range(1, 100), ...range(1, 100)]))).toBe(100);
    expect(estimateDistinct(sketchOf([]))).toBe(0);
  });

  it('estimates large populations within its stated error', () => {
    for (const n of [1_000, 20_000, 300_000]) {
      const est = estimateDistinct(sketchOf(range(7, n)));
      expect(Math.abs(est - n) / n).toBeLessThan(3 / Math.sqrt(SKETCH_SIZE - 2));
    }
  });

  it('merges like a union: overlapping parts count once, and merging again changes nothing', () => {
    const a = sketchOf(range(0, 6000));
    const b = sketchOf(range(4000, 6000));
    const merged = mergeSketches(a, b);
    expect(mergeSketches(merged, b)).toEqual(merged);
    expect(merged).toEqual(sketchOf(range(0, 10_000)));
  });
});
