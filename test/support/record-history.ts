import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { temporal } from '@temporalio/proto';
import type { WorkflowHandle } from '@temporalio/client';

const ROOT = join(__dirname, '../..');

/** Stack traces in failures carry absolute paths of the machine that recorded them; committed files keep them relative. */
function scrubPaths<T>(value: T, root: string): T {
  if (typeof value === 'string') return value.split(root).join('.') as T;
  if (Array.isArray(value)) return value.map((v) => scrubPaths(v, root)) as T;
  if (value && typeof value === 'object' && !(value instanceof Uint8Array)) {
    for (const [k, v] of Object.entries(value)) (value as Record<string, unknown>)[k] = scrubPaths(v, root);
  }
  return value;
}

/**
 * With RECORD_HISTORIES=1, keeps a run's history for the replay suite (test/replay/histories), as the protobuf bytes
 * the server sent, so nothing is lost converting it.
 */
export async function recordHistory(handle: WorkflowHandle, name: string): Promise<void> {
  if (!process.env.RECORD_HISTORIES) return;
  const history = scrubPaths(await handle.fetchHistory(), ROOT);
  writeFileSync(join(ROOT, 'test/replay/histories', `${name}.history.bin`), temporal.api.history.v1.History.encode(history).finish());
}
