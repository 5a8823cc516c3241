import type { Db } from 'mongodb';
import type { AuditLog } from '../audit';
import { dropExpiredKpis } from './retention';

/** How often a worker looks for expired KPI partitions; the finest level's partitions are an hour long. */
export const RETENTION_EVERY_MS = 10 * 60_000;

/**
 * Runs KPI retention in a worker: at start and then every RETENTION_EVERY_MS, one run at a time. Several workers may
 * all run it: a drop audited and done by one is a no-op for the others. Returns a function that stops it.
 */
export function scheduleKpiRetention(db: Db, audit: AuditLog, log: (line: string) => void, everyMs = RETENTION_EVERY_MS): () => void {
  let running: Promise<void> = Promise.resolve();
  const run = () => {
    running = running
      .then(() => dropExpiredKpis(db, audit, Date.now()))
      .then((dropped) => dropped.forEach((d) => log(`KPI retention: dropped ${d.collection} (ended ${d.endedAt})`)))
      .catch((err: unknown) => log(`KPI retention failed, retried in ${everyMs / 60_000} min: ${err instanceof Error ? err.message : String(err)}`));
  };
  run();
  const timer = setInterval(run, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
