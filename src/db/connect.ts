import { MongoClient, type Db } from 'mongodb';
import type { Env } from '../config';

export interface Mongo {
  client: MongoClient;
  db: Db;
  close(): Promise<void>;
}

/** Opens one client for the process. Retryable writes are off because FerretDB 1.x lacks them; idempotency comes
 *  from unique keys and upserts instead. */
export async function connectMongo(env: Pick<Env, 'MONGODB_URI' | 'MONGODB_DB'>, dbName = env.MONGODB_DB): Promise<Mongo> {
  const client = new MongoClient(env.MONGODB_URI, {
    retryWrites: false,
    serverSelectionTimeoutMS: 10_000,
    appName: 'modelship',
  });
  await client.connect();
  return { client, db: client.db(dbName), close: () => client.close() };
}
