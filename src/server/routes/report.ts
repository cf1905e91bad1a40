import type { FastifyInstance } from 'fastify';
import { UprateError } from '../../core/errors.js';
import { buildReport, parseDate, parseDimension, parseGrain, type ReportOptions } from '../../kpi/index.js';
import type { ServerContext } from '../context.js';

/** GET /api/v1/report — the `uprate report --format json` document over HTTP. */
export async function reportRoutes(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  app.get('/api/v1/report', async (request) => {
    const q = request.query as Record<string, string | undefined>;
    const options: ReportOptions = {
      ...(q['grain'] ? { grain: parseGrain(q['grain'], 'grain') } : q['by'] ? {} : { grain: 'month' as const }),
      ...(q['by'] ? { by: q['by'].split(',').map((d) => parseDimension(d, 'by')) } : {}),
      ...(q['from'] ? { from: parseDate(q['from'], 'from') } : {}),
      ...(q['to'] ? { to: new Date(parseDate(q['to'], 'to').getTime() + 86_400_000) } : {}),
      ...(q['offerType'] ? { offerType: offerType(q['offerType']) } : {}),
      ...(q['window'] ? { windowDays: Number(q['window']) } : {}),
      asOf: ctx.clock(),
    };
    return buildReport(ctx.store, options);
  });
}

function offerType(v: string): 'upsell' | 'cross_sell' {
  if (v === 'upsell' || v === 'cross_sell') return v;
  throw new UprateError('BAD_ARGUMENT', `offerType must be upsell or cross_sell, not '${v}'`, { location: 'offerType' });
}
