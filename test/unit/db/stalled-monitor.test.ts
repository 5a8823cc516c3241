import { EventEmitter } from 'node:events';
import type { MongoClient } from 'mongodb';
import { reconnectWhenMonitorStalls } from '../../../src/db/stalled-monitor';

/** A client as the watchdog sees it: heartbeat events, and close and connect, counted. */
function fakeClient() {
  const client = new EventEmitter() as EventEmitter & { closes: number; connects: number; close(): Promise<void>; connect(): Promise<void> };
  client.closes = client.connects = 0;
  client.close = async () => void client.closes++;
  client.connect = async () => void client.connects++;
  return client;
}

describe('a client whose server monitor falls silent', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('is left alone while checks go on, failed or not, and reconnected once they stop for three heartbeats', async () => {
    const client = fakeClient();
    const stalls: number[] = [];
    const stop = reconnectWhenMonitorStalls(client as unknown as MongoClient, (ms) => stalls.push(ms), 1000);
    for (let i = 0; i < 10; i++) {
      client.emit(i % 2 ? 'serverHeartbeatFailed' : 'serverHeartbeatSucceeded');
      await jest.advanceTimersByTimeAsync(1000);
    }
    expect(client.closes).toBe(0);
    client.emit('serverHeartbeatStarted'); // a check that never ends
    await jest.advanceTimersByTimeAsync(3000);
    expect(stalls).toEqual([3000]);
    expect([client.closes, client.connects]).toEqual([1, 1]);
    // The new monitor checks again: nothing more happens.
    for (let i = 0; i < 5; i++) {
      client.emit('serverHeartbeatSucceeded');
      await jest.advanceTimersByTimeAsync(1000);
    }
    expect(client.closes).toBe(1);
    stop();
    await jest.advanceTimersByTimeAsync(10_000);
    expect(client.closes).toBe(1);
  });
});
