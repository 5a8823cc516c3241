import { emptyCounters, type KpiCounters } from '../../../src/contracts/kpi';
import { seriesQueryFor, sumIntoSteps } from '../../../src/reports';
import { promotedDoc } from './fixtures';

const counters = (requests: number, errors = 0): KpiCounters => ({ ...emptyCounters(), requests, errors });
const at = (s: string) => new Date(`2025-03-04T10:00:${s}.000Z`);

describe('sumIntoSteps', () => {
  const query = { model: 'm', versions: ['2.0.0', '1.0.0'], from: at('00'), to: at('30'), stepMs: 10_000 };

  it('adds buckets of every replica and second into their step, per version', () => {
    const series = sumIntoSteps(query, [
      { version: '2.0.0', start: at('00'), counters: counters(3, 1) },
      { version: '2.0.0', start: at('00'), counters: counters(4) },
      { version: '2.0.0', start: at('09'), counters: counters(5) },
      { version: '2.0.0', start: at('10'), counters: counters(7, 2) },
      { version: '1.0.0', start: at('25'), counters: counters(11) },
    ]);
    expect(series.versions.map((v) => v.version)).toEqual(['2.0.0', '1.0.0']);
    expect(series.versions[0].steps.map((s) => [s.start.slice(11, 19), s.counters.requests, s.counters.errors])).toEqual([
      ['10:00:00', 12, 1],
      ['10:00:10', 7, 2],
      ['10:00:20', 0, 0],
    ]);
    expect(series.versions[1].steps.map((s) => s.counters.requests)).toEqual([0, 0, 11]);
  });

  it('ignores other versions and buckets outside [from, to)', () => {
    const series = sumIntoSteps(query, [
      { version: '3.0.0', start: at('05'), counters: counters(1) },
      { version: '2.0.0', start: new Date(at('00').getTime() - 1000), counters: counters(1) },
      { version: '2.0.0', start: at('30'), counters: counters(1) },
    ]);
    expect(series.versions.flatMap((v) => v.steps.map((s) => s.counters.requests))).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('refuses a step that is not positive', () => {
    expect(() => sumIntoSteps({ ...query, stepMs: 0 }, [])).toThrow(RangeError);
  });
});

describe('seriesQueryFor', () => {
  it('spans the monitoring windows on a round step, candidate first, then the champion', () => {
    const query = seriesQueryFor(promotedDoc())!;
    expect(query).toEqual({
      model: 'movies',
      versions: ['1.3.0', '1.2.0'],
      from: new Date('2025-03-04T10:00:00.000Z'),
      to: new Date('2025-03-04T11:20:00.000Z'),
      stepMs: 30_000,
    });
    expect(seriesQueryFor(promotedDoc(), 1000)!.stepMs).toBe(5000);
  });

  it('is null before any monitoring check, and charts the candidate alone on a first deployment', () => {
    const doc = promotedDoc();
    expect(seriesQueryFor({ ...doc, checks: [] })).toBeNull();
    expect(seriesQueryFor({ ...doc, status: { ...doc.status, champion: null } })!.versions).toEqual(['1.3.0']);
  });
});
