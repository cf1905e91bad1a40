import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { isUprateError, type ErrorCode, type UprateError } from '../core/errors.js';

/** One place maps error codes to HTTP statuses (STYLE habit 9). */
export const STATUS: Readonly<Record<ErrorCode, number>> = {
  BAD_ARGUMENT: 400,
  FILE_NOT_FOUND: 400,
  FILE_EMPTY: 400,
  FILE_FORMAT: 400,
  BAD_HEADER: 400,
  INVALID_ROWS: 400,
  QUERY_INVALID: 400,
  CONFIG_INVALID: 400,
  MODEL_INVALID: 500,
  AUTH_MISSING: 403,
  AUTH_INVALID: 403,
  NOT_FOUND: 404,
  PAYLOAD_TOO_LARGE: 413,
  DB_LOCKED: 503,
  ENGINE_UNAVAILABLE: 503,
  DB_ERROR: 500,
  FORBIDDEN: 403,
  QUERY_TOO_LARGE: 400,
  QUERY_TIMEOUT: 400,
  QUERY_CANCELLED: 499,
  BUSY: 503,
  READ_ONLY: 409,
};

/**
 * An UprateError's body: `error` (the message, worded as Cube words it, then the place and the
 * fix), `code`, `location`, `hint`, `details`. A 4xx also carries Cube's `"type": "UserError"`,
 * which Cube sends with the user errors of a query (`{"type": "UserError", "error": "..."}`,
 * HTTP 400). Cube's 5xx bodies carry no `type` (`{"error": "Error: ..."}`), and neither do ours.
 */
export function errorBody(error: UprateError): Record<string, unknown> {
  const body = error.toJSON();
  return STATUS[error.code] < 500 ? { ...body, type: 'UserError' } : body;
}

export function errorHandler(error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply): void {
  if (isUprateError(error)) {
    const status = STATUS[error.code];
    if (status >= 500 && error.code !== 'BUSY') request.log.error({ err: error }, error.message);
    if (error.code === 'BUSY') void reply.header('retry-after', '1');
    void reply.status(status).send(errorBody(error));
    return;
  }
  const fastifyError = error as FastifyError;
  if (fastifyError.statusCode && fastifyError.statusCode < 500) {
    // Fastify's own 4xx: malformed JSON, body too large, unsupported media type.
    void reply.status(fastifyError.statusCode).send({ error: fastifyError.message, code: fastifyError.code ?? 'BAD_REQUEST' });
    return;
  }
  request.log.error({ err: error }, 'internal error');
  void reply.status(500).send({ error: `internal error: ${error.message}`, code: 'INTERNAL' });
}
