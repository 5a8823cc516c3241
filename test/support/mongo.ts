import { randomBytes } from 'node:crypto';
import { MongoClient } from 'mongodb';
import { config } from '../../src/config';
import { connectMongo, type Mongo } from '../../src/db';

const freshName = (prefix: string) => `ms_${prefix}_${randomBytes(4).toString('hex')}`.slice(0, 60);

const dropOnClose = (mongo: Mongo): Mongo => ({
  ...mongo,
  close: async () => {
    await mongo.db.dropDatabase().catch(() => undefined);
    await mongo.close();
  },
});

/** A fresh database on the configured server for one test file, dropped by the returned close(). */
export async function openTestDb(prefix = 'test'): Promise<Mongo> {
  return dropOnClose(await connectMongo(config(), freshName(prefix)));
}

/** The same, on a client that reports every command it sends (test/support/command-log.ts). */
export async function openMonitoredTestDb(prefix = 'test'): Promise<Mongo> {
  const client = new MongoClient(config().MONGODB_URI, { retryWrites: false, monitorCommands: true });
  await client.connect();
  return dropOnClose({ client, db: client.db(freshName(prefix)), close: () => client.close() });
}
