import type { FastifyInstance } from 'fastify';
import { HttpError } from './http-errors';

/**
 * Keys that, merged into an object, would reach its prototype. Any body carrying one is refused: a gateway has no use
 * for them, and refusing says so where dropping them silently would leave the client guessing.
 */
function prototypeKey(key: string, value: unknown): string | undefined {
  if (key === '__proto__') return '__proto__';
  if (key === 'constructor' && typeof value === 'object' && value !== null && 'prototype' in value) return 'constructor.prototype';
  return undefined;
}

/** Parses JSON bodies so that malformed JSON and a prototype key get different, named 400s. */
export function parseJsonBodies(app: FastifyInstance): void {
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    const text = body as string;
    if (text.trim() === '') return done(new HttpError(400, 'bad_request', 'body: is empty; send a JSON object'), undefined);
    let forbidden: string | undefined;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text, function (key, value: unknown) {
        forbidden ??= prototypeKey(key, value);
        return value;
      });
    } catch (err) {
      return done(new HttpError(400, 'bad_request', `body: not valid JSON (${(err as Error).message})`), undefined);
    }
    if (forbidden) return done(new HttpError(400, 'bad_request', `body: the key "${forbidden}" is refused: keys that would reach an object's prototype (__proto__, constructor.prototype) are not accepted anywhere in a body`), undefined);
    done(null, parsed);
  });
}
