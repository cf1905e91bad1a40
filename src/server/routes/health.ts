import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../context.js';

/**
 * GET /health — public: status and engine only. With a valid token (or in dev mode) also the
 * database, its data version and — when the shipped model reads uprate's own tables — their row
 * counts: where the data lives is not for anonymous callers. A model bound to the user's own
 * tables may have no `offers` table at all (and counting a billion-row table is no health check),
 * so it gets no counts.
 */
export async function healthRoutes(app: FastifyInstance, ctx: ServerContext, served: { readonly ownTables: boolean }): Promise<void> {
  app.get('/health', { config: { public: true } }, async (request) => {
    if (!request.authenticated) return { status: 'ok', engine: ctx.store.engine };
    const base = { status: 'ok', engine: ctx.store.engine, database: ctx.store.target };
    if (!served.ownTables) return { ...base, dataVersion: await ctx.store.dataVersion() };
    const [row] = await ctx.store.query<{ offers: bigint; customers: bigint }>(
      'SELECT (SELECT count(*) FROM offers) AS offers, (SELECT count(*) FROM customers) AS customers',
    );
    return { ...base, offers: Number(row?.offers ?? 0), customers: Number(row?.customers ?? 0), dataVersion: await ctx.store.dataVersion() };
  });
}
