import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { Db, Filter } from 'mongodb';
import { z } from 'zod';
import { auditCollection } from './indexes';
import { describeIssues } from '../validation/issues';
import { InputError } from '../validation/input-error';
import type { StoredAuditEvent } from './schemas';

export interface ExportFilter {
  pipelineId?: string;
  /** Only events whose `at` is at or after this time. */
  since?: Date;
}

const filterSchema = z.object({ pipelineId: z.string().min(1).optional(), since: z.date({ message: 'must be a Date' }).optional() }).strict();

/**
 * Stored events as JSON lines (no trailing newline), in chain order: by seq for one pipeline, else by globalSeq. Every
 * field is kept, hashes and MAC included, so the export can be re-verified away from the database.
 */
export async function* auditLines(db: Db, filter: ExportFilter = {}): AsyncGenerator<string> {
  const parsed = filterSchema.safeParse(filter);
  if (!parsed.success) throw new InputError('exportAudit', describeIssues(parsed.error));
  const { pipelineId, since } = parsed.data;
  const query: Filter<StoredAuditEvent> = {
    ...(pipelineId === undefined ? {} : { pipelineId }),
    ...(since === undefined ? {} : { at: { $gte: since } }),
  };
  const cursor = auditCollection(db)
    .find(query, { projection: { _id: 0 } })
    .sort(pipelineId === undefined ? { globalSeq: 1 } : { seq: 1 });
  for await (const event of cursor) yield JSON.stringify(event);
}

/** Writes auditLines to a stream, one event per line, honouring back-pressure; returns how many were written. */
export async function exportAudit(db: Db, filter: ExportFilter, out: Writable): Promise<number> {
  let count = 0;
  for await (const line of auditLines(db, filter)) {
    if (!out.write(`${line}\n`)) await once(out, 'drain');
    count++;
  }
  return count;
}
