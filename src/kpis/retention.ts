import type { Db } from 'mongodb';
import type { AuditLog } from '../audit';
import { expiredAt, parseCollectionName, partitionEndMs, partitionStartMs } from './levels';

export interface DroppedPartition {
  collection: string;
  model: string;
  level: string;
  endedAt: string;
}

/**
 * Drops every KPI partition whose level's retention has passed since it ended (levels.ts): a whole collection at a
 * time, so retention never scans. Each drop is audited first, under an id of its own, so a run cut short between the
 * two is finished by the next without a second event.
 */
export async function dropExpiredKpis(db: Db, audit: AuditLog, nowMs: number): Promise<DroppedPartition[]> {
  const dropped: DroppedPartition[] = [];
  for (const { name } of await db.listCollections({}, { nameOnly: true }).toArray()) {
    const parsed = parseCollectionName(name);
    if (!parsed || parsed.level.retentionMs === null) continue;
    const start = partitionStartMs(parsed.level, parsed.partition);
    if (start === null || !expiredAt(parsed.level, start, nowMs)) continue;
    const entry = { collection: name, model: parsed.model, level: parsed.level.name, endedAt: new Date(partitionEndMs(parsed.level, start)!).toISOString() };
    await audit.append({
      eventId: `kpi-retention:${name}`,
      type: 'kpis.partition_dropped',
      actor: 'service:kpi-retention',
      subject: { model: parsed.model },
      pipelineId: `kpi-retention-${parsed.model}`,
      outcome: 'success',
      evidence: { ...entry, retentionHours: parsed.level.retentionMs / 3_600_000 },
      source: 'kpis/retention',
    });
    await db.collection(name).drop().catch((err: unknown) => {
      if ((err as { codeName?: string }).codeName !== 'NamespaceNotFound') throw err;
    });
    dropped.push(entry);
  }
  return dropped;
}
