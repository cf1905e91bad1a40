import type { FastifyInstance, FastifyRequest, RouteOptions } from 'fastify';
import type * as Jose from 'jose';
import type { JWTPayload } from 'jose';
import { UprateError } from '../core/errors.js';

/** jose, loaded on the first token (not by every CLI command that only reads the secret's name), once. */
let jose: Promise<typeof Jose> | undefined;

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Served without a token (the health check, the dashboard's files, the OpenAPI document). Routes are private unless they say so. */
    readonly public?: boolean;
    /** Reads data: takes a slot of limits.maxConcurrentQueries while it runs. */
    readonly reads?: boolean;
  }
  interface FastifyRequest {
    /** The verified token's claims (Cube's security context); empty without a token. */
    securityContext: JWTPayload;
    /** A valid token came with the request, or the server is in dev mode (loopback only). */
    authenticated: boolean;
  }
}

export interface AuthOptions {
  readonly dev: boolean;
  readonly secret: string | undefined;
}

/** A registered route as auth sees it: what the route enumeration tests walk. */
export interface RouteEntry {
  readonly method: string;
  readonly url: string;
  readonly public: boolean;
}

/** Fewer bytes than this and an HS256 secret can be brute-forced (RFC 7518 §3.2 asks for ≥ 256 bits). */
export const MIN_SECRET_BYTES = 32;

const LOOPBACK_HOST = /^(127(?:\.\d{1,3}){3}|localhost|\[::1\])(?::\d{1,5})?$/i;

/**
 * Cube's auth, decided on the route the router matched — never on the raw URL, which an encoded
 * path (`/%61pi/v1/kpi`), an absolute-form target or a dot segment can disguise. Every route needs
 * an HS256 JWT in the Authorization header (with or without `Bearer `) unless its config says
 * `public: true`; unmatched requests are private too. The token's claims become the request's
 * security context. In dev mode (loopback only) no token is needed, but the Host header must name
 * a loopback address, so a rebinding DNS name cannot reach the server from a browser.
 *
 * Returns a function listing the routes registered after it (for tests and docs).
 */
export function installAuth(app: FastifyInstance, options: AuthOptions): () => RouteEntry[] {
  const key = options.secret ? new TextEncoder().encode(options.secret) : undefined;
  const registered: RouteOptions[] = [];
  app.decorateRequest('securityContext', null as unknown as JWTPayload);
  app.decorateRequest('authenticated', false);
  // Kept by reference: a plugin's own onRoute hook (static files) may mark its routes public after this one ran.
  app.addHook('onRoute', (route: RouteOptions) => void registered.push(route));
  const routes = () =>
    registered.flatMap((route) => (Array.isArray(route.method) ? route.method : [route.method]).map((method) => ({ method: String(method), url: route.url, public: route.config?.public === true })));

  const verify = async (token: string): Promise<JWTPayload> => {
    if (!key) throw new UprateError('AUTH_INVALID', 'Invalid token', { hint: 'the server has no API secret set' });
    try {
      const { jwtVerify } = await (jose ??= import('jose'));
      const { payload } = await jwtVerify(token, key, { algorithms: ['HS256'] });
      return payload;
    } catch {
      throw new UprateError('AUTH_INVALID', 'Invalid token');
    }
  };

  app.addHook('onRequest', async (request: FastifyRequest) => {
    request.securityContext = {};
    request.authenticated = false;
    if (options.dev) checkDevHost(request);
    const isPublic = request.routeOptions.config?.public === true;
    const header = request.headers.authorization;
    const token = header?.replace(/^Bearer\s+/i, '').trim();
    if (isPublic) {
      // A public route still learns who asks (health shows more to the authenticated).
      if (token && key) {
        try {
          request.securityContext = await verify(token);
          request.authenticated = true;
        } catch {
          // a bad token on a public route gets the public answer
        }
      } else if (options.dev) {
        request.authenticated = true;
      }
      return;
    }
    if (!token) {
      if (options.dev) {
        request.authenticated = true;
        return;
      }
      // Cube's exact error body: clients match on it.
      throw new UprateError('AUTH_MISSING', "Authorization header isn't set");
    }
    if (!key && options.dev) {
      request.authenticated = true;
      return;
    }
    request.securityContext = await verify(token);
    request.authenticated = true;
  });
  return routes;
}

function checkDevHost(request: FastifyRequest): void {
  const host = request.headers.host ?? '';
  if (!LOOPBACK_HOST.test(host)) {
    throw new UprateError('FORBIDDEN', `dev mode answers only requests addressed to a loopback host, not '${host}'`, {
      location: 'Host',
      hint: 'open the server as http://127.0.0.1:PORT (or localhost); to serve other names, drop --dev and set UPRATE_API_SECRET',
    });
  }
}

/**
 * The HS256 secret from the environment: UPRATE_API_SECRET, else CUBEJS_API_SECRET. An empty or
 * blank variable counts as unset (so an empty UPRATE_API_SECRET does not hide CUBEJS_API_SECRET).
 */
export function apiSecret(env: NodeJS.ProcessEnv = process.env): string | undefined {
  for (const name of ['UPRATE_API_SECRET', 'CUBEJS_API_SECRET']) {
    const value = env[name]?.trim();
    if (value) return value;
  }
  return undefined;
}

/** Refuses a secret short enough to guess. */
export function checkSecret(secret: string | undefined): void {
  if (secret === undefined) return;
  const bytes = new TextEncoder().encode(secret).length;
  if (bytes < MIN_SECRET_BYTES) {
    throw new UprateError('CONFIG_INVALID', `the API secret is ${bytes} bytes; HS256 needs at least ${MIN_SECRET_BYTES}`, {
      location: 'UPRATE_API_SECRET',
      hint: 'use a long random secret, e.g. `openssl rand -hex 32`',
    });
  }
}
