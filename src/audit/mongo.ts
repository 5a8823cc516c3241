import type { Db, WriteConcernSettings } from 'mongodb';

export type ServerKind = 'ferretdb' | 'mongodb';

/** FerretDB answers buildInfo with a `ferretdbVersion` field that MongoDB never sends. */
export async function detectServerKind(db: Db): Promise<ServerKind> {
  const info = await db.admin().command({ buildInfo: 1 });
  return 'ferretdbVersion' in info || 'ferretdb' in info ? 'ferretdb' : 'mongodb';
}

/**
 * Audit writes must survive a primary failover on MongoDB, hence majority + journal. FerretDB 1.x accepts and ignores
 * a write concern (its SQLite backend commits each write before answering), so none is sent there.
 */
export function auditWriteConcern(kind: ServerKind): WriteConcernSettings | undefined {
  return kind === 'mongodb' ? { w: 'majority', j: true } : undefined;
}
