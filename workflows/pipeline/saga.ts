import type { CompensationRecord } from '../../src/contracts/pipeline-activities';

interface Compensation {
  key: string;
  description: string;
  run: () => Promise<void>;
}

/**
 * Compensations are pushed before the step they undo, so a step that fails half way is still undone. Keys fold
 * repeats: every routing change restores the same pre-pipeline routing, and only the first push is kept.
 */
export class Saga {
  private readonly steps: Compensation[] = [];

  add(key: string, description: string, run: () => Promise<void>): void {
    if (!this.steps.some((s) => s.key === key)) this.steps.push({ key, description, run });
  }

  get size(): number {
    return this.steps.length;
  }

  /** Runs every compensation in reverse; one that fails is recorded and the rest still run. */
  async compensate(onRecord: (r: CompensationRecord) => void): Promise<CompensationRecord[]> {
    const records: CompensationRecord[] = [];
    for (const step of [...this.steps].reverse()) {
      let record: CompensationRecord;
      try {
        await step.run();
        record = { key: step.key, description: step.description, outcome: 'done', at: new Date().toISOString() };
      } catch (err) {
        const error = err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err);
        record = { key: step.key, description: step.description, outcome: 'failed', error, at: new Date().toISOString() };
      }
      records.push(record);
      onRecord(record);
    }
    this.steps.length = 0;
    return records;
  }
}
