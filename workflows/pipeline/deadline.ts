import { CancellationScope, sleep } from '@temporalio/workflow';

/**
 * A deadline the workflow reads as a flag that only its timer's firing sets. Whether a deadline has passed must come
 * from the history (the timer fired), never from comparing the clock after a step: after a local activity the clock
 * read on replay can differ from the one read live, and a branch that starts a timer or not would then diverge.
 */
export class Deadline {
  passed = false;
  private scope: CancellationScope | null = null;

  /** @param summary names the timer in the Web UI. */
  constructor(private readonly summary: string) {}

  /** Starts (or restarts) the timer; at least 1 ms, so starting it never depends on a clock reading. */
  start(ms: number): void {
    this.stop();
    const scope = new CancellationScope();
    this.scope = scope;
    void scope.run(() => sleep(Math.max(1, ms), { summary: this.summary })).then(
      () => {
        this.passed = true;
      },
      () => undefined,
    );
  }

  /** Cancels a timer that has not fired; a deadline that passed stays passed. */
  stop(): void {
    this.scope?.cancel();
    this.scope = null;
  }
}
