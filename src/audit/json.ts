import { z } from 'zod';

export type JsonPrimitive = string | number | boolean | null;
export type JsonValue = JsonPrimitive | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

export interface JsonProblem {
  path: (string | number)[];
  message: string;
}

const MAX_DEPTH = 32;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'object') return value.constructor?.name ?? 'object';
  return typeof value;
}

/**
 * Why a value would not survive a round trip through MongoDB *and* FerretDB 1.x unchanged. Fidelity matters because
 * audit hashes are recomputed from what is read back: a value the server rewrites or refuses breaks the chain.
 * FerretDB 1.x refuses nested arrays and keys containing '.' or starting with '$'.
 */
export function jsonProblems(value: unknown, path: (string | number)[] = [], depth = 0, inArray = false): JsonProblem[] {
  if (depth > MAX_DEPTH) return [{ path, message: `must not nest deeper than ${MAX_DEPTH} levels` }];
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return [];
  if (typeof value === 'number') {
    return Number.isFinite(value) ? [] : [{ path, message: 'must be a finite number (JSON has no NaN or Infinity)' }];
  }
  if (Array.isArray(value)) {
    if (inArray) return [{ path, message: 'nested arrays are not storable on FerretDB 1.x; wrap the inner array in an object' }];
    return value.flatMap((item, i) => jsonProblems(item, [...path, i], depth + 1, true));
  }
  if (isPlainObject(value)) {
    return Object.entries(value).flatMap(([key, item]) =>
      key.includes('.') || key.startsWith('$') || key.includes('\0')
        ? [{ path: [...path, key], message: "key must not contain '.' or NUL nor start with '$'" }]
        : jsonProblems(item, [...path, key], depth + 1, false),
    );
  }
  return [{ path, message: `must be a JSON value (string, finite number, boolean, null, array or plain object), got ${describeType(value)}` }];
}

/** A JSON object that stores and reads back unchanged on MongoDB and FerretDB 1.x. */
export const jsonObjectSchema = z
  .record(z.string(), z.unknown())
  .superRefine((value, ctx) => {
    for (const problem of jsonProblems(value)) ctx.addIssue({ code: 'custom', path: problem.path, message: problem.message });
  })
  .transform((value) => value as JsonObject);

/**
 * Canonical JSON in the spirit of RFC 8785 (JCS): object keys sorted by UTF-16 code units, no whitespace, numbers and
 * strings serialised as ECMAScript JSON.stringify does. Two equal values always give the same bytes, so a hash over
 * it does not depend on field order, which BSON round trips and other languages do not preserve.
 */
export function canonicalJson(value: JsonValue): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError('canonicalJson: non-finite number');
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (isPlainObject(value)) {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k] as JsonValue)}`).join(',')}}`;
  }
  throw new TypeError(`canonicalJson: not a JSON value (${describeType(value)})`);
}
