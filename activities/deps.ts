import type { Db } from 'mongodb';
import type { Mailer } from '../src/notify';

/** What activities may touch. Only the worker builds the real clients; tests inject real or fake ones. */
export interface ActivityDeps {
  db: Db;
  mailer: Mailer;
}
