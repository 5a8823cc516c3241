import { MockActivityEnvironment } from '@temporalio/testing';
import { keepAlive } from '../../../activities/keep-alive';

afterEach(() => jest.useRealTimers());

describe('keepAlive', () => {
  it('heartbeats every 10 s while the work runs, and stops when it ends', async () => {
    jest.useFakeTimers();
    const env = new MockActivityEnvironment();
    const beats: { stage: string; elapsedMs: number }[] = [];
    env.on('heartbeat', (d: { stage: string; elapsedMs: number }) => beats.push(d));
    let finish!: (v: string) => void;
    const running = env.run(() => keepAlive('validation gate', () => new Promise<string>((r) => (finish = r))));

    await jest.advanceTimersByTimeAsync(35_000);
    expect(beats.map((b) => b.elapsedMs)).toEqual([0, 10_000, 20_000, 30_000]);
    expect(beats.every((b) => b.stage === 'validation gate')).toBe(true);

    finish('ranked');
    await expect(running).resolves.toBe('ranked');
    await jest.advanceTimersByTimeAsync(60_000);
    expect(beats).toHaveLength(4);
  });

  it('stops heartbeating when the work fails, and passes the failure on', async () => {
    jest.useFakeTimers();
    const env = new MockActivityEnvironment();
    let beats = 0;
    env.on('heartbeat', () => beats++);
    const running = env.run(() => keepAlive('ingest', async () => {
      await new Promise((r) => setTimeout(r, 15_000));
      throw new Error('dataset missing');
    }));
    const outcome = expect(running).rejects.toThrow('dataset missing');
    await jest.advanceTimersByTimeAsync(15_000);
    await outcome;
    await jest.advanceTimersByTimeAsync(60_000);
    expect(beats).toBe(2);
  });
});
