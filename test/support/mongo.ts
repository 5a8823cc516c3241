import { randomBytes } from 'node:crypto';
import { config } from '../../src/config';
import { connectMongo, type Mongo } from '../../src/db';

/** A fresh database on the configured server for one test file, dropped by the returned close(). */
export async function openTestDb(prefix = 'test'): Promise<Mongo> {
  const name = `ms_${prefix}_${randomBytes(4).toString('hex')}`.slice(0, 60);
  const mongo = await connectMongo(config(), name);
  return {
    ...mongo,
    close: async () => {
      await mongo.db.dropDatabase().catch(() => undefined);
      await mongo.close();
    },
  };
}
