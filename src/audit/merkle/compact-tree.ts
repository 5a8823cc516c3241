import { EMPTY_ROOT, nodeHash } from './tree-hash';

/** A tree grown leaf by leaf that keeps only the roots of its largest complete subtrees: its root at every size. */
export class CompactTree {
  private readonly peaks: { level: number; hash: Buffer }[] = [];
  size = 0;

  add(leaf: Buffer): void {
    let peak = { level: 0, hash: leaf };
    while (this.peaks.length > 0 && this.peaks[this.peaks.length - 1]!.level === peak.level) {
      const left = this.peaks.pop()!;
      peak = { level: peak.level + 1, hash: nodeHash(left.hash, peak.hash) };
    }
    this.peaks.push(peak);
    this.size++;
  }

  root(): Buffer {
    if (this.peaks.length === 0) return EMPTY_ROOT;
    let root = this.peaks[this.peaks.length - 1]!.hash;
    for (let i = this.peaks.length - 2; i >= 0; i--) root = nodeHash(this.peaks[i]!.hash, root);
    return root;
  }
}
