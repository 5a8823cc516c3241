import { runSoak } from '../../soak/driver';
import { stuckAfter } from '../../support/time-factor';

jest.setTimeout(stuckAfter(600_000));

describe('a short lifecycle soak on a private real stack', () => {
  it('lives three models through three versions each, with faults, and breaks no invariant', async () => {
    const lines: string[] = [];
    const result = await runSoak({ seed: 7, versions: 3, models: 3, faults: true, portBase: 25000, log: (l) => lines.push(l) });
    console.log(`short soak, seed 7:\n${lines.join('\n')}\nsoak: ${result.pipelines} pipelines, ${result.faults} faults, ${result.checks} invariant checks, ${result.violations.length} violations`);
    expect(result.violations).toEqual([]);
    expect(result.pipelines).toBe(9);
    expect(result.checks).toBeGreaterThan(60);
  });
});
