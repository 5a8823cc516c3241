import { readFileSync } from 'node:fs';
import { InvalidArgumentError } from 'commander';
import { usageError } from './exit-codes';

/** Repeatable option: `--approver bob --approver carol`. */
export const collect = (value: string, previous: string[] = []) => [...previous, value];

export function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('must be a positive integer');
  return n;
}

/** `k=v` pairs into an object; values that parse as JSON keep their type, others stay strings. */
export function keyValues(pairs: string[], what: string, numeric = false): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw usageError(`${what} "${pair}": must be key=value`);
    const [key, raw] = [pair.slice(0, eq).trim(), pair.slice(eq + 1).trim()];
    if (numeric) {
      const n = Number(raw);
      if (raw === '' || !Number.isFinite(n)) throw usageError(`${what} "${pair}": ${key} must be a finite number`);
      out[key] = n;
    } else {
      out[key] = parseLoose(raw);
    }
  }
  return out;
}

export function parseLoose(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

export function readJsonFile(path: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw usageError(`${what} ${path}: cannot read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw usageError(`${what} ${path}: not valid JSON (${(err as Error).message})`);
  }
}

export function readBytes(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw usageError(`${what} ${path}: cannot read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
}

/** Sets `a.b.c` in a nested object, creating the objects on the way. */
export function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  if (keys.some((k) => !k)) throw usageError(`--set ${path}: not a field path such as rollout.window`);
  let node = target;
  for (const key of keys.slice(0, -1)) {
    const next = node[key];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[keys[keys.length - 1]] = value;
}
