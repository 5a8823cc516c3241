// Validates the environment before anything starts, so a bad setting fails at once and names its variable.
import { config, ConfigError } from './load';

try {
  config();
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  console.error(err.message);
  process.exit(2);
}
