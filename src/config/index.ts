export { envSchema, type Env } from './schema';
export { config, parseConfig, ConfigError } from './load';
