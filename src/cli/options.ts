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

/** Names that would reach an object's prototype rather than a field of the spec. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'prototype', 'constructor']);
const INDEX = /^(0|[1-9]\d{0,3})$/;

type Container = Record<string, unknown> | unknown[];

/**
 * Sets `a.b.c` (or `rollout.stages.0.percent`) in a nested object, creating objects, or lists where the next segment
 * is an index, on the way. A list stays a list, and no segment can reach a prototype.
 */
export function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  if (keys.some((k) => !k)) throw usageError(`--set ${path}: not a field path such as rollout.window`);
  const forbidden = keys.find((k) => FORBIDDEN_KEYS.has(k));
  if (forbidden) throw usageError(`--set ${path}: "${forbidden}" is not a field of the spec`);
  let node: Container = target;
  keys.forEach((key, i) => {
    const where = keys.slice(0, i).join('.') || '(spec)';
    if (Array.isArray(node) && !INDEX.test(key)) throw usageError(`--set ${path}: ${where} is a list; give an index, e.g. ${where}.0`);
    if (Array.isArray(node) && Number(key) > node.length) throw usageError(`--set ${path}: ${where} has ${node.length} item(s); the index must be at most ${node.length}`);
    const slot = node as Record<string, unknown>;
    if (i === keys.length - 1) {
      slot[key] = value;
      return;
    }
    const next = slot[key];
    if (typeof next !== 'object' || next === null) slot[key] = INDEX.test(keys[i + 1]) ? [] : {};
    node = slot[key] as Container;
  });
}
