import type { FastifyInstance, FastifyRequest } from 'fastify';
import { jwtVerify, type JWTPayload } from 'jose';
import { UprateError } from '../core/errors.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The verified token's claims (Cube's security context); empty in dev mode. */
    securityContext: JWTPayload;
  }
}

export interface AuthOptions {
  readonly dev: boolean;
  readonly secret: string | undefined;
}

/** Paths that need a token, as Cube guards its API: everything under these prefixes. */
const GUARDED = ['/cubejs-api/', '/api/'];

/**
 * Cube's auth: the Authorization header carries an HS256 JWT (with or without `Bearer `) signed
 * with the API secret; its claims become the request's security context.
 */
export function installAuth(app: FastifyInstance, options: AuthOptions): void {
  const key = options.secret ? new TextEncoder().encode(options.secret) : undefined;
  app.decorateRequest('securityContext', null as unknown as JWTPayload);
  app.addHook('onRequest', async (request: FastifyRequest) => {
    request.securityContext = {};
    if (!GUARDED.some((p) => request.url.startsWith(p)) || request.url.startsWith('/api/v1/openapi.json')) return;
    const header = request.headers.authorization;
    if (!header) {
      if (options.dev) return;
      throw new UprateError('AUTH_MISSING', "Authorization header isn't set");
    }
    const token = header.replace(/^Bearer\s+/i, '').trim();
    if (!key) {
      if (options.dev) return;
      throw new UprateError('AUTH_INVALID', 'Invalid token', { hint: 'the server has no API secret set' });
    }
    try {
      const { payload } = await jwtVerify(token, key, { algorithms: ['HS256'] });
      request.securityContext = payload;
    } catch {
      throw new UprateError('AUTH_INVALID', 'Invalid token');
    }
  });
}

export function apiSecret(): string | undefined {
  return process.env['UPRATE_API_SECRET'] ?? process.env['CUBEJS_API_SECRET'];
}
