import { seriesQueryFor } from '../../../src/reports';
import { promotedDoc } from './fixtures';

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
