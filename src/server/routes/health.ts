import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../context.js';

/**
 * GET /health — public: status and engine only. With a valid token (or in dev mode) also the
 * database, its row counts and data version: where the data lives is not for anonymous callers.
 */
export async function healthRoutes(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  app.get('/health', { config: { public: true } }, async (request) => {
    if (!request.authenticated) return { status: 'ok', engine: ctx.store.engine };
    const [row] = await ctx.store.query<{ offers: bigint; customers: bigint }>(
      'SELECT (SELECT count(*) FROM offers) AS offers, (SELECT count(*) FROM customers) AS customers',
    );
    return {
      status: 'ok',
      engine: ctx.store.engine,
      database: ctx.store.target,
      offers: Number(row?.offers ?? 0),
      customers: Number(row?.customers ?? 0),
      dataVersion: await ctx.store.dataVersion(),
    };
  });
}
