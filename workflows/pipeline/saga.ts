import { CancellationScope } from '@temporalio/workflow';
import type { CompensationRecord } from '../../src/contracts/pipeline-activities';

/**
 * Runs a step that changes production to its end even when the pipeline is cancelled meanwhile: a compensation
 * must never run while the step it undoes may still land after it.
 */
export function uninterrupted<T>(step: () => Promise<T>): Promise<T> {
  return CancellationScope.nonCancellable(step);
}

/** Waits for every step to settle before failing with the first failure, so none is still in flight when the saga
 *  starts undoing them. */
export async function allSettledOrThrow<T>(steps: Promise<T>[]): Promise<T[]> {
  const results = await Promise.allSettled(steps);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  return results.map((r) => (r as PromiseFulfilledResult<T>).value);
}

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
