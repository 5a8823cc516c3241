import { envSchema, type Env } from './schema';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses a raw environment; each problem names the variable and the rule it broke. */
export function parseConfig(raw: NodeJS.ProcessEnv): Env {
  const present = Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined && v !== ''));
  const result = envSchema.safeParse(present);
  if (!result.success) {
    throw new ConfigError(result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  return result.data;
}

let cached: Env | undefined;

/** The process configuration, parsed once from process.env. */
export function config(): Env {
  cached ??= parseConfig(process.env);
  return cached;
}
