import type { Client } from '@temporalio/client';
import type { Db } from 'mongodb';
import { createAuditLog, type AuditLog } from '../audit';
import { parseConfig } from '../config/load';
import type { Env } from '../config/schema';
import { connectMongo, type Mongo } from '../db';
import { connectClient } from '../temporal';
import { usageError } from './exit-codes';

/** What a command may use; connections open on first use and close once when the command ends. */
export interface CliContext {
  env(): Env;
  temporal(): Promise<Client>;
  db(): Promise<Db>;
  /** The command's audit log, with the configured HMAC key; closed before the database. */
  auditLog(): Promise<AuditLog>;
  /** Who acts: `--as`, else MODELSHIP_USER; a usage error when neither is set. */
  identity(as?: string): string;
  close(): Promise<void>;
}

export function createContext(raw: NodeJS.ProcessEnv = process.env): CliContext {
  let env: Env | undefined;
  let client: Promise<Client> | undefined;
  let mongo: Promise<Mongo> | undefined;
  let audit: AuditLog | undefined;
  const getEnv = () => (env ??= parseConfig(raw));
  const db = async () => (await (mongo ??= connectMongo(getEnv()))).db;
  return {
    env: getEnv,
    temporal: () => (client ??= connectClient(getEnv())),
    db,
    async auditLog() {
      const key = getEnv().AUDIT_HMAC_KEY;
      return (audit ??= createAuditLog(await db(), key ? { hmacKey: key } : {}));
    },
    identity(as) {
      const who = (as ?? getEnv().MODELSHIP_USER ?? '').trim();
      if (!who) throw usageError('no identity: pass --as USER or set MODELSHIP_USER');
      return who;
    },
    async close() {
      await audit?.close().catch(() => undefined);
      const [c, m] = [client, mongo];
      [client, mongo, audit] = [undefined, undefined, undefined];
      await Promise.all([
        c?.then((x) => x.connection.close()).catch(() => undefined),
        m?.then((x) => x.close()).catch(() => undefined),
      ]);
    },
  };
}
