import type { FastifyInstance } from 'fastify';
import { UprateError } from '../../core/errors.js';
import { buildReport, parseDate, parseGrain, reportEnd, servedBinding, type BindingCheck, type ReportOptions } from '../../kpi/index.js';
import { singleParams } from '../../insights/index.js';
import type { Model } from '../../model/index.js';
import type { ServerContext } from '../context.js';
import { sendRead, type ApiAnswers } from '../api-answers.js';

const PARAMS = ['grain', 'by', 'from', 'to', 'offerType', 'window', 'asOf'];

/**
 * GET /api/v1/report — the `uprate report --format json` document over HTTP, restricted to the
 * caller's rows like every other read. `grain=none` asks for one row per segment even without
 * `by`; `asOf` sets the clock (default the server's), as `uprate report --as-of` does. Answered
 * through the /api/v1 answer cache (api-answers.ts), keyed on the parsed options.
 */
export async function reportRoutes(
  app: FastifyInstance,
  ctx: ServerContext,
  served: { readonly model: Model; readonly binding: BindingCheck; readonly answers: ApiAnswers },
): Promise<void> {
  const { binding } = served.binding;
  // The shipped model is compiled for the asked window; a user's model is read as served, through its binding.
  const own = binding && !binding.shipped ? { model: served.model, binding } : null;
  app.get('/api/v1/report', async (request, reply) => {
    const text = singleParams(request.query as Record<string, unknown>, PARAMS);
    const [grain, by, from, to, type, window, asOf] = PARAMS.map(text);
    servedBinding(served.binding);
    if (window && own) {
      throw new UprateError('BAD_ARGUMENT', 'window applies to the shipped model only: your model defines when an offer counts as accepted', { location: 'window', hint: 'leave window out' });
    }
    const scope = ctx.read(request, reply);
    const options: ReportOptions = {
      ...(grain === 'none' ? {} : grain ? { grain: parseGrain(grain, 'grain') } : by ? {} : { grain: 'month' as const }),
      ...(by ? { by: by.split(',').map((d) => d.trim()) } : {}),
      ...(from ? { from: parseDate(from, 'from') } : {}),
      ...(to ? reportEnd(to, 'to') : {}),
      ...(type ? { offerType: offerType(type) } : {}),
      ...(window ? { windowDays: windowDays(window) } : {}),
    };
    return sendRead(reply, served.answers, {
      route: 'GET /api/v1/report',
      params: options,
      whose: scope.access,
      asOf: asOf ? parseDate(asOf, 'asOf') : null,
      signal: scope.signal,
      compute: ({ signal, asOf: clock }) => buildReport(ctx.store, scope.access, { ...options, asOf: clock, limits: scope.limits, signal, ...(own ?? {}) }),
    });
  });
}

function offerType(v: string): 'upsell' | 'cross_sell' {
  if (v === 'upsell' || v === 'cross_sell') return v;
  throw new UprateError('BAD_ARGUMENT', `offerType must be upsell or cross_sell, not '${v}'`, { location: 'offerType' });
}

function windowDays(v: string): number {
  const n = Number(v);
  if (!/^\d+$/.test(v) || !Number.isInteger(n) || n > 3650) {
    throw new UprateError('BAD_ARGUMENT', `window must be a whole number of days from 0 to 3650, not '${v}'`, { location: 'window' });
  }
  return n;
}
