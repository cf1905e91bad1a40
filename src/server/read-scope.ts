import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Limits } from '../core/limits.js';
import type { Access } from '../query/index.js';
import { callerAccess, type Tenancy } from './caller.js';

/**
 * What a route hands to every data read: whose rows (the caller's access, required), the cost
 * limits, and a signal that cancels the engine's work when the client goes away.
 */
export interface ReadScope {
  readonly access: Access;
  readonly limits: Limits;
  readonly signal?: AbortSignal;
}

/**
 * The read scope of one request. `abortOnClose` (default true) cancels running statements when
 * the connection closes before the answer was sent; Cube's /load opts out, because its clients
 * come back for a query that answered "Continue wait".
 */
export function readScope(
  request: FastifyRequest,
  reply: FastifyReply,
  tenancy: Tenancy,
  limits: Limits,
  options: { readonly abortOnClose?: boolean } = {},
): ReadScope {
  const access = callerAccess(tenancy, request.securityContext);
  if (options.abortOnClose === false) return { access, limits };
  const controller = new AbortController();
  // Gone already (closed while queued): a listener added now would never hear it.
  if (clientGone(request)) controller.abort();
  reply.raw.once('close', () => {
    if (!reply.raw.writableEnded) controller.abort();
  });
  return { access, limits, signal: controller.signal };
}

/** The client closed its connection (the request can no longer be answered). */
export function clientGone(request: FastifyRequest): boolean {
  // A request whose body was read to its end is destroyed by Node (autoDestroy) while its client
  // still waits for the answer: only a socket that closed, or a body cut short, means gone.
  return request.raw.socket?.destroyed === true || (request.raw.destroyed && !request.raw.complete);
}
