import { Client, Connection } from '@temporalio/client';
import type { Env } from '../config';
import { temporalConnectionOptions } from './connection-options';

export async function connectClient(env: Env): Promise<Client> {
  const connection = await Connection.connect({ ...temporalConnectionOptions(env), connectTimeout: '5s' });
  return new Client({ connection, namespace: env.TEMPORAL_NAMESPACE });
}
