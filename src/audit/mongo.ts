import type { Db, WriteConcernSettings } from 'mongodb';

/** E11000; FerretDB 1.x reports it without keyPattern, so callers must not rely on knowing which index fired. */
export function isDuplicateKeyError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 11000;
}

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
