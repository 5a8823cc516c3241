import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { describeIssues, formatIssues } from '../validation/issues';

export class HttpError extends Error {
  constructor(readonly statusCode: number, readonly code: string, message: string) {
    super(message);
  }
}

export function parseOr400<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (!result.success) throw new HttpError(400, 'bad_request', formatIssues(describeIssues(result.error, 'the request')));
  return result.data;
}

/** 4xx carry a readable reason; 5xx say only that something failed, with the request id to find it in the logs. */
export function errorHandler(err: FastifyError | HttpError, request: FastifyRequest, reply: FastifyReply): void {
  if (err instanceof HttpError) {
    void reply.status(err.statusCode).send({ error: err.code, message: err.message });
    return;
  }
  const status = err.statusCode ?? 500;
  if (status < 500) {
    void reply.status(status).send({ error: 'bad_request', message: err.message });
    return;
  }
  request.log.error({ err }, 'request failed');
  void reply.status(status).send({ error: 'internal', message: 'internal error', requestId: request.id });
}
