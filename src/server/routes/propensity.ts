/**
 * "Ready to grow" over HTTP: GET /api/v1/propensity (the time-based holdout validation of the
 * propensity model beside the segment-rate baseline) and GET /api/v1/opportunities (customers not
 * holding an open offer, ranked by expected conversion or expected revenue; `format=csv` for a
 * CRM). Each read is built as the KPI endpoints build theirs (kpi-api.ts): the common parameters,
 * then the caller's scope (their security filters restrict every row the model is trained on and
 * scores), then the binding; answered through the /api/v1 answer cache, so a dashboard's repeated
 * request does not train again. The engine is src/propensity; propensity is not uplift, and both
 * answers say so.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { UprateError } from '../../core/errors.js';
import { checkKnown, param, parseChoiceParam, parseCommon, parseNumber, type KpiContext, type Params } from '../../insights/index.js';
import { servedBinding, type BindingCheck } from '../../kpi/index.js';
import type { Model } from '../../model/index.js';
import { findOpportunities, propensityReport } from '../../propensity/index.js';
import type { OpportunitiesResponse } from '../../propensity/types.js';
import { sendRead, type ApiAnswers, type ApiRead } from '../api-answers.js';
import type { ServerContext } from '../context.js';
import { SharedReads } from '../shared-reads.js';
import { kpiContextOf, type KpiRead, type KpiSettings } from './kpi-api.js';
import { opportunitiesCsv } from '../../propensity/opportunities-table.js';

export interface PropensityRouteOptions {
  readonly model: Model;
  readonly binding: BindingCheck;
  readonly settings?: KpiSettings | undefined;
  readonly answers: ApiAnswers;
}

/** The parameters each endpoint accepts (the common ones that apply: filters, the clock, the level). */
export const PROPENSITY_PARAMS = ['offer', 'filters', 'asOf', 'level'] as const;
export const OPPORTUNITIES_PARAMS = ['offer', 'limit', 'sort', 'format', 'filters', 'asOf', 'level'] as const;
export const OPPORTUNITY_SORTS = ['probability', 'revenue'] as const;
export const OPPORTUNITY_FORMATS = ['json', 'csv'] as const;
/** Most rows one request may ask for. */
export const MAX_OPPORTUNITIES = 10_000;

type Read = KpiRead;

export async function propensityRoutes(app: FastifyInstance, server: ServerContext, options: PropensityRouteOptions): Promise<void> {
  const { model } = options;
  const settings = options.settings ?? {};
  const shared = new SharedReads();

  const query = (request: FastifyRequest, allowed: readonly string[]): Params => {
    const q = (request.query ?? {}) as Params;
    checkKnown(q, allowed);
    return q;
  };
  // As kpi-api.ts: the parameters, the caller's scope (a token without a required claim is refused here), then the binding.
  const read = (request: FastifyRequest, reply: FastifyReply, q: Params): Read => {
    const common = parseCommon(q, model);
    const scope = server.read(request, reply);
    return { common, scope, binding: servedBinding(options.binding) };
  };
  const kpiContext = kpiContextOf(server, model, settings, shared);
  const apiRead = (path: string, r: Read, params: unknown, compute: (ctx: KpiContext) => Promise<unknown>): ApiRead => ({
    route: `GET ${path}`,
    params: { filters: r.common.selection.filters, level: r.common.level, route: params },
    whose: r.scope.access,
    asOf: r.common.asOf,
    signal: r.scope.signal,
    compute: (run) => compute(kpiContext(r, run)),
  });
  const offerOf = (q: Params): string | undefined => {
    const offer = param(q, 'offer');
    if (offer === undefined) return undefined;
    if (offer.trim() === '') throw badOffer();
    return offer;
  };

  app.get('/api/v1/propensity', async (request, reply) => {
    const q = query(request, PROPENSITY_PARAMS);
    const r = read(request, reply, q);
    const offer = offerOf(q);
    const asked = { ...(offer === undefined ? {} : { offer }) };
    return sendRead(
      reply,
      options.answers,
      apiRead('/api/v1/propensity', r, asked, (ctx) => propensityReport(ctx, { ...asked, filters: r.common.selection.filters })),
    );
  });

  app.get('/api/v1/opportunities', async (request, reply) => {
    const q = query(request, OPPORTUNITIES_PARAMS);
    const r = read(request, reply, q);
    const offer = offerOf(q);
    const limit = param(q, 'limit');
    const sort = param(q, 'sort');
    const format = param(q, 'format');
    const asked = {
      ...(offer === undefined ? {} : { offer }),
      limit: limit === undefined ? 100 : parseNumber(limit, 'limit', { min: 1, max: MAX_OPPORTUNITIES, integer: true }),
      sort: sort === undefined ? ('probability' as const) : parseChoiceParam(sort, 'sort', OPPORTUNITY_SORTS),
    };
    const csv = format !== undefined && parseChoiceParam(format, 'format', OPPORTUNITY_FORMATS) === 'csv';
    // One key for both formats: the CSV is written from the JSON answer, so they never disagree.
    const ask = apiRead('/api/v1/opportunities', r, asked, (ctx) => findOpportunities(ctx, { ...asked, filters: r.common.selection.filters }));
    if (!csv) return sendRead(reply, options.answers, ask);
    return sendRead(reply, options.answers, ask, {
      type: 'text/csv; charset=utf-8',
      fileName: `uprate-opportunities${offer ? `-${slug(offer)}` : ''}.csv`,
      body: (json) => opportunitiesCsv(JSON.parse(json) as OpportunitiesResponse),
    });
  });
}

/** An empty `offer=` (the engine names an unknown offer itself). */
function badOffer(): UprateError {
  return new UprateError('BAD_ARGUMENT', 'offer is empty: give an offer name, or leave offer out for every offer', { location: 'offer', hint: 'e.g. offer=Extra%20seats' });
}

/** Letters and digits, anything else one dash: a file name part. */
function slug(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'offer';
}

