import type { FastifyInstance, FastifyRequest } from 'fastify';
import { UprateError } from '../../core/errors.js';
import type { Model } from '../../model/index.js';
import { dropRollups, rollupStatus, type RollupStatus } from '../../rollups/index.js';
import { buildTakingTurns } from '../background-rollups.js';
import { isAdmin } from '../caller.js';
import type { ServerContext } from '../context.js';

export interface RollupRoutesOptions {
  readonly model: Model;
}

/** One rollup's state as the API and `uprate rollups status --server` show it. */
export function statusDocument(s: RollupStatus): Record<string, unknown> {
  return {
    name: s.name,
    state: s.state,
    why: s.why,
    table: s.stored?.table ?? null,
    rows: s.stored?.rows ?? null,
    builtAt: s.stored?.builtAt.toISOString() ?? null,
    buildSeconds: s.stored?.buildSeconds ?? null,
    refreshSeconds: s.stored?.refreshSeconds ?? null,
    openWindow: s.usable?.open?.clock && s.usable.open.from ? { clock: s.usable.open.clock, from: s.usable.open.from, rows: s.usable.open.rows } : null,
  };
}

/** `?name=Offers.daily,Offers.segments` → the names (none: all). */
function names(request: FastifyRequest): string[] {
  const raw = (request.query as Record<string, unknown>)['name'];
  if (raw === undefined) return [];
  if (typeof raw !== 'string') throw new UprateError('BAD_ARGUMENT', 'name must be given once, comma-separated', { location: 'name', hint: 'name=Offers.daily,Offers.segments' });
  return raw.split(',').map((n) => n.trim()).filter((n) => n.length > 0);
}

/**
 * Rollups of the served model, for admins (their tables and row counts describe everyone's data):
 * GET /api/v1/rollups — each one's state; POST /api/v1/rollups/build?name= and
 * POST /api/v1/rollups/drop?name= — what `uprate rollups build|drop` does, through the server that
 * holds the DuckDB file, one writer at a time (a build rollup by rollup, loads taking turns with it).
 */
export async function rollupRoutes(app: FastifyInstance, ctx: ServerContext, options: RollupRoutesOptions): Promise<void> {
  const requireAdmin = (request: FastifyRequest, what: string): void => {
    if (isAdmin(ctx.tenancy, request.securityContext)) return;
    throw new UprateError('FORBIDDEN', `${what} needs an admin token on a server with security filters`, {
      location: 'security.adminClaim',
      hint: 'sign the token with the admin claim (config security.adminClaim)',
    });
  };
  app.get('/api/v1/rollups', async (request) => {
    requireAdmin(request, 'listing rollups');
    return { rollups: (await rollupStatus(ctx.store, options.model)).map(statusDocument) };
  });
  app.post('/api/v1/rollups/build', async (request, reply) => {
    requireAdmin(request, 'building rollups');
    const wanted = names(request);
    // Loads take turns with it rollup by rollup; a caller gone stops it.
    const built = await buildTakingTurns(ctx, options.model, wanted, ctx.read(request, reply).signal);
    return { built };
  });
  app.post('/api/v1/rollups/drop', async (request) => {
    requireAdmin(request, 'dropping rollups');
    const dropped = await ctx.writeLock.run(() => dropRollups(ctx.store, options.model, names(request)));
    return { dropped };
  });
}
