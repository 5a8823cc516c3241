import { readFileSync } from 'node:fs';
import type { Env } from '../config';

export interface TemporalConnectionOptions {
  address: string;
  tls?: { clientCertPair?: { crt: Buffer; key: Buffer } } | boolean;
  apiKey?: string;
}

/** One place that turns configuration into connection options, shared by the worker and every client, so a
 *  Temporal cluster or Temporal Cloud needs only environment settings. */
export function temporalConnectionOptions(env: Env): TemporalConnectionOptions {
  const options: TemporalConnectionOptions = { address: env.TEMPORAL_ADDRESS };
  if (env.TEMPORAL_TLS === 'true' || env.TEMPORAL_API_KEY) {
    options.tls =
      env.TEMPORAL_TLS_CERT && env.TEMPORAL_TLS_KEY
        ? { clientCertPair: { crt: readFileSync(env.TEMPORAL_TLS_CERT), key: readFileSync(env.TEMPORAL_TLS_KEY) } }
        : true;
  }
  if (env.TEMPORAL_API_KEY) options.apiKey = env.TEMPORAL_API_KEY;
  return options;
}
