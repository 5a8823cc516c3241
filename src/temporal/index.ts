export { connectClient } from './client';
export { temporalConnectionOptions } from './connection-options';
