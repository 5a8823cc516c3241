/**
 * Steps the rollout does not wait for, such as a stage's mail: a slow mail server must not hold traffic at a stage.
 * They are settled at the points where their outcome matters: before the promotion commits, so a mail that cannot
 * be sent still fails the rollout as before, and before the pipeline reports its end.
 */
export class Background {
  private readonly pending: Promise<void>[] = [];
  private failure: { error: unknown } | null = null;

  start(step: Promise<unknown>): void {
    this.pending.push(
      step.then(
        () => undefined,
        (error: unknown) => {
          this.failure ??= { error };
        },
      ),
    );
  }

  /** Waits for every started step; throws the first failure among them. */
  async settle(): Promise<void> {
    await Promise.all(this.pending.splice(0));
    const failure = this.failure;
    this.failure = null;
    if (failure) throw failure.error;
  }
}
