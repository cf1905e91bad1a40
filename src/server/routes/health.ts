import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../context.js';

export async function healthRoutes(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  app.get('/health', async () => {
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
