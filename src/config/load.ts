import { join } from 'node:path';
import { InputError } from '../validation/input-error';
import { describeIssues, type FieldIssue } from '../validation/issues';
import { envSchema, type Env } from './schema';

export class ConfigError extends InputError {
  constructor(issues: FieldIssue[]) {
    super('configuration', issues, 'invalid configuration');
  }
}

/** Parses a raw environment; each problem names the variable and the rule it broke. */
export function parseConfig(raw: NodeJS.ProcessEnv): Env {
  const present = Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined && v !== ''));
  // A log's checkpoint copies belong with the stack that holds the log: a new stack (a new database) starts a new
  // folder, and one left by another stack's log is never held against it.
  if (present.AUDIT_DIR === undefined && present.STACK_DIR !== undefined) present.AUDIT_DIR = join(present.STACK_DIR, 'audit');
  const result = envSchema.safeParse(present);
  if (!result.success) {
    throw new ConfigError(describeIssues(result.error, 'the configuration'));
  }
  return result.data;
}

let cached: Env | undefined;

/** The process configuration, parsed once from process.env. */
export function config(): Env {
  cached ??= parseConfig(process.env);
  return cached;
}
