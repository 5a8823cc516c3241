import type { MongoClient } from 'mongodb';

/** Says when the database becomes unreachable and reachable again, as the driver's monitor sees it. */
export function logReachability(client: MongoClient, log: (line: string) => void): void {
  client.on('serverDescriptionChanged', (e) => {
    const [from, to] = [e.previousDescription.type, e.newDescription.type];
    if ((from === 'Unknown') === (to === 'Unknown')) return;
    log(to === 'Unknown' ? `database ${e.address} unreachable: ${e.newDescription.error?.message ?? 'no answer'}` : `database ${e.address} reachable again`);
  });
}

/** How often the driver checks the server when nothing asks for more (its default heartbeatFrequencyMS). */
export const HEARTBEAT_MS = 10_000;

const HEARTBEAT_EVENTS = ['serverHeartbeatStarted', 'serverHeartbeatSucceeded', 'serverHeartbeatFailed'] as const;

/**
 * Reconnects a client whose server monitor has fallen silent. The driver learns that a server is back only from its
 * monitor's checks, one per heartbeat at most. After FerretDB was killed and started again under the full test suite,
 * a worker's operations kept failing for minutes with the first error of the outage while the database was back: no
 * check had ended since. No check, failed or not, for three heartbeats means the monitor is stuck; closing and
 * connecting the client again starts a new one. The Db handles taken from the client stay valid.
 */
export function reconnectWhenMonitorStalls(client: MongoClient, onStall: (silentMs: number) => void, heartbeatMs = HEARTBEAT_MS): () => void {
  let last = Date.now();
  const seen = () => void (last = Date.now());
  for (const event of HEARTBEAT_EVENTS) client.on(event, seen);
  let reconnecting = false;
  const timer = setInterval(() => {
    const silentMs = Date.now() - last;
    if (reconnecting || silentMs < 3 * heartbeatMs) return;
    reconnecting = true;
    onStall(silentMs);
    client
      .close()
      .then(() => client.connect())
      .catch(() => undefined)
      .finally(() => {
        last = Date.now();
        reconnecting = false;
      });
  }, heartbeatMs);
  timer.unref();
  return () => {
    clearInterval(timer);
    for (const event of HEARTBEAT_EVENTS) client.off(event, seen);
  };
}
