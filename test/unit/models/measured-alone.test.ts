import { measuredAlone, typescriptRanker } from '../../../src/models';
import { integerModelForTests } from './ranker-fixtures';

describe('a latency measurement runs alone', () => {
  it('holds every other ranking of the process until it ends, and lets its own calls through', async () => {
    const ranker = typescriptRanker(integerModelForTests(1));
    const order: string[] = [];
    const measuring = measuredAlone(async () => {
      await ranker.topK(100, 3);
      order.push('measured call');
      await new Promise((resolve) => setTimeout(resolve, 50));
      await ranker.topK(101, 3);
      order.push('measurement ends');
    });
    const other = ranker.topK(102, 3).then(() => order.push('other ranking'));
    await Promise.all([measuring, other]);
    expect(order).toEqual(['measured call', 'measurement ends', 'other ranking']);
    await ranker.topK(103, 3);
  });
});
