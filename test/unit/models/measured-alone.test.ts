import { cpuWork, measuredAlone, typescriptRanker } from '../../../src/models';
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

  it('waits out CPU work under way, lets it rank meanwhile, and starts no new CPU work until it ends', async () => {
    const ranker = typescriptRanker(integerModelForTests(1));
    const order: string[] = [];
    const tick = (ms = 10) => new Promise((resolve) => setTimeout(resolve, ms));
    const underWay = cpuWork(async () => {
      order.push('gate starts');
      await tick(40);
      await ranker.topK(100, 3);
      order.push('gate ranks while the measurement waits');
      await cpuWork(async () => order.push('nested work does not wait'));
      await tick();
      order.push('gate ends');
    });
    await tick();
    const measuring = measuredAlone(async () => {
      order.push('measurement starts');
      await tick();
      order.push('measurement ends');
    });
    const later = cpuWork(async () => order.push('later gate'));
    await Promise.all([underWay, measuring, later]);
    expect(order).toEqual(['gate starts', 'gate ranks while the measurement waits', 'nested work does not wait', 'gate ends', 'measurement starts', 'measurement ends', 'later gate']);
  });
});
