/**
 * Fixed-capacity min-heap keeping the k best (score, index) pairs seen so far. The root is the worst
 * kept entry, so each candidate costs one comparison unless it beats the root: selecting k of n items
 * is O(n log k) with no allocation after construction.
 *
 * Order: higher score first; on equal scores the lower index wins, which makes results independent of
 * the order candidates are offered in.
 */
export class TopKHeap {
  private readonly indices: Int32Array;
  private readonly scores: Float64Array;
  private k = 0;
  private count = 0;

  constructor(readonly capacity: number) {
    this.indices = new Int32Array(capacity);
    this.scores = new Float64Array(capacity);
  }

  /** Starts a new selection of the best `k` (clamped to capacity). */
  reset(k: number): void {
    this.k = Math.min(k, this.capacity);
    this.count = 0;
  }

  get size(): number {
    return this.count;
  }

  /**
   * A score below this can never enter the heap: lets hot loops skip the call for most candidates.
   * Equal scores may still enter (the index breaks the tie), so callers test with >=.
   */
  floor(): number {
    return this.count < this.k ? -Infinity : this.k === 0 ? Infinity : this.scores[0];
  }

  offer(index: number, score: number): void {
    if (this.count < this.k) {
      this.siftUp(this.count++, index, score);
      return;
    }
    if (this.k === 0) return;
    const rootScore = this.scores[0];
    if (score > rootScore || (score === rootScore && index < this.indices[0])) this.siftDown(0, index, score);
  }

  /** Empties the heap into the arrays, best first. */
  drainInto(outIndices: number[], outScores: number[]): void {
    const n = this.count;
    outIndices.length = n;
    outScores.length = n;
    for (let slot = n - 1; slot >= 0; slot--) {
      outIndices[slot] = this.indices[0];
      outScores[slot] = this.scores[0];
      const last = --this.count;
      if (last > 0) this.siftDown(0, this.indices[last], this.scores[last]);
    }
  }

  /** True when a should sit closer to the root than b, i.e. a is the worse entry. */
  private static worse(aScore: number, aIndex: number, bScore: number, bIndex: number): boolean {
    return aScore < bScore || (aScore === bScore && aIndex > bIndex);
  }

  private siftUp(pos: number, index: number, score: number): void {
    while (pos > 0) {
      const parent = (pos - 1) >> 1;
      if (!TopKHeap.worse(score, index, this.scores[parent], this.indices[parent])) break;
      this.indices[pos] = this.indices[parent];
      this.scores[pos] = this.scores[parent];
      pos = parent;
    }
    this.indices[pos] = index;
    this.scores[pos] = score;
  }

  private siftDown(pos: number, index: number, score: number): void {
    const n = this.count;
    for (;;) {
      let child = 2 * pos + 1;
      if (child >= n) break;
      const right = child + 1;
      if (right < n && TopKHeap.worse(this.scores[right], this.indices[right], this.scores[child], this.indices[child])) child = right;
      if (!TopKHeap.worse(this.scores[child], this.indices[child], score, index)) break;
      this.indices[pos] = this.indices[child];
      this.scores[pos] = this.scores[child];
      pos = child;
    }
    this.indices[pos] = index;
    this.scores[pos] = score;
  }
}
