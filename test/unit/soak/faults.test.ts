import type { PrivateStack } from '../../integration/durability/private-stack';
import { strike } from '../../soak/faults';

/** A stack whose worker comes back only at the third start, as a starved machine made it. */
function stackFailingStarts(failures: number) {
  let starts = 0;
  const stack = {
    killWorker: async () => undefined,
    startWorker: async () => {
      starts++;
      if (starts <= failures) throw new Error(`worker did not start (attempt ${starts})`);
      return {};
    },
  } as unknown as PrivateStack;
  return { stack, starts: () => starts };
}

describe("the soak's fault injector", () => {
  it('records a restart that fails and tries again until the part is back, never throwing', async () => {
    const { stack, starts } = stackFailingStarts(2);
    const struck = await strike(stack, 'kill_worker', () => 0, () => false);
    expect(struck).toEqual({ what: 'worker killed and restarted', failedRestarts: ['worker did not start (attempt 1)', 'worker did not start (attempt 2)'], restored: true });
    expect(starts()).toBe(3);
  });

  it('stops trying when the soak stops, and says the part was not restored', async () => {
    const { stack } = stackFailingStarts(1000);
    let asked = 0;
    const struck = await strike(stack, 'kill_worker', () => 0, () => ++asked > 2);
    expect(struck.restored).toBe(false);
    expect(struck.failedRestarts).toHaveLength(2);
  });
});
