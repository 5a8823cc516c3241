import type { StageChecks } from '../../../src/contracts/pipeline-activities';
import { checkRanges } from '../../../src/kpis/rollout-ranges';
import { mulberry32 } from '../../../src/models/prng';

/** The binning the ranges must reproduce, second by second: the last stage begun by the second's end, then the first
 *  check after the second began, the stage's last check for a second after all of them. */
function binOf(stages: StageChecks[], second: number): { stage: number; check: number } | null {
  let stage = -1;
  for (let i = 0; i < stages.length && stages[i].fromMs <= second + 999; i++) stage = i;
  if (stage < 0) return null;
  const times = stages[stage].checkTimes;
  const check = times.findIndex((t) => t > second);
  return { stage, check: check === -1 ? times.length - 1 : check };
}

function randomStages(rand: () => number): { stages: StageChecks[]; toMs: number } {
  let t = 1_765_000_000_000 + Math.floor(rand() * 5000);
  const stages: StageChecks[] = [];
  const n = 1 + Math.floor(rand() * 4);
  for (let i = 0; i < n; i++) {
    const fromMs = t;
    const checkTimes: number[] = [];
    const checks = i === n - 1 ? Math.floor(rand() * 4) : 1 + Math.floor(rand() * 4);
    for (let c = 0; c < checks; c++) checkTimes.push((t += 200 + Math.floor(rand() * 4000)));
    t += Math.floor(rand() * 1500);
    stages.push({ label: `s${i}`, kind: i === 0 ? 'shadow' : 'traffic', percent: 10 * (i + 1), fromMs, checkTimes });
  }
  return { stages, toMs: stages[n - 1].checkTimes.at(-1) ?? t };
}

describe('a rollout binned by check', () => {
  it('puts every second where second-by-second binning puts it, and nowhere else', () => {
    const rand = mulberry32(2026);
    for (let trial = 0; trial < 500; trial++) {
      const { stages, toMs } = randomStages(rand);
      const ranges = checkRanges(stages, toMs);
      const first = Math.floor(stages[0].fromMs / 1000) * 1000;
      for (let s = first - 2000; s < toMs + 2000; s += 1000) {
        const holders = ranges.filter((r) => r.loMs <= s && s < r.hiMs);
        const expected = s >= first && s < toMs ? binOf(stages, s) : null;
        if (!expected) expect(holders).toEqual([]);
        else expect(holders.map((r) => ({ stage: r.stage, check: r.check }))).toEqual([expected]);
      }
    }
  });
});
