import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { UprateConfig } from '../../config/index.js';
import { UprateError } from '../../core/errors.js';
import {
  breakdown,
  checkDimension,
  checkGroupable,
  checkKnown,
  comparePopulations,
  COMMON_PARAMS,
  findInsights,
  GRAINS,
  kpiHeadline,
  LEADERBOARD_SORTS,
  leaderboard,
  measuredClustering,
  param,
  parseChoiceParam,
  parseCommon,
  parseDay,
  parseFilters,
  parseNumber,
  sampleSizePlan,
  timeseries,
  type KpiContext,
  type Params,
} from '../../insights/index.js';
import { servedBinding, type BindingCheck } from '../../kpi/index.js';
import type { Model } from '../../model/index.js';
import { DEFAULT_BAND_THRESHOLDS, type AdjustMethod } from '../../stats/index.js';
import type { ServerContext } from '../context.js';
import { openApiDocument } from '../openapi.js';
// The numbers only: the renderer (and ECharts) stays with the CLI.
import { collectMonthlyReport, monthRange } from '../../report-html/monthly-report.js';

/** The settings the KPI endpoints read from the config file. */
export type KpiSettings = Partial<Pick<UprateConfig, 'bands' | 'target' | 'conversionWindowDays' | 'stats' | 'kpi'>>;

export interface KpiApiOptions {
  readonly model: Model;
  /** The config's KPI binding checked against the model (once, by buildApp). */
  readonly binding: BindingCheck;
  readonly settings?: KpiSettings | undefined;
}

const CORRECTIONS: readonly AdjustMethod[] = ['holm', 'bh', 'bonferroni'];

/** The monthly report's parameters: the month picks the range, the server's settings the statistics. */
const MONTHLY_PARAMS = ['month', 'offerType', 'filters', 'asOf'];

/**
 * uprate's own JSON API under /api/v1 (response types: src/insights/api-types.ts; the OpenAPI
 * document at /api/v1/openapi.json). Every number comes from model queries, so it answers on any
 * engine, restricted by the caller's token like the Cube API.
 */
export async function kpiApiRoutes(app: FastifyInstance, server: ServerContext, options: KpiApiOptions): Promise<void> {
  const { model } = options;
  const settings = options.settings ?? {};
  // A model without the KPI's inputs still serves the Cube API; the KPI endpoints say what to bind.
  const bound = options.binding;

  const context = (request: FastifyRequest, reply: FastifyReply, q: Params): { ctx: KpiContext; common: ReturnType<typeof parseCommon> } => {
    const common = parseCommon(q, model);
    const scope = server.read(request, reply);
    return {
      common,
      ctx: {
        store: server.store,
        model,
        binding: servedBinding(bound),
        asOf: common.asOf ?? server.clock(),
        access: scope.access,
        limits: scope.limits,
        ...(scope.signal ? { signal: scope.signal } : {}),
        windowDays: settings.conversionWindowDays ?? 30,
        thresholds: settings.bands ?? DEFAULT_BAND_THRESHOLDS,
        target: settings.target ?? null,
        correction: settings.stats?.correction ?? 'holm',
        level: common.level,
        method: common.method,
      },
    };
  };
  const query = (request: FastifyRequest, extra: readonly string[]): Params => {
    const q = (request.query ?? {}) as Params;
    checkKnown(q, [...COMMON_PARAMS, ...extra]);
    return q;
  };
  const correctionOf = (q: Params) => {
    const c = param(q, 'correction');
    return c === undefined ? 'holm' : parseChoiceParam(c, 'correction', CORRECTIONS);
  };
  const dimensionList = (text: string, name: string, max: number): string[] => {
    const list = text.split(',').map((d) => d.trim()).filter(Boolean);
    if (list.length === 0 || list.length > max) {
      throw new UprateError('BAD_ARGUMENT', `${name} takes ${max === 1 ? 'one dimension' : `one to ${max} dimensions`}, not ${list.length}`, {
        location: name,
        hint: `e.g. ${name}=Customers.accountSize${max > 1 ? ',Offers.channel' : ''}`,
      });
    }
    const unique = [...new Set(list)];
    unique.forEach((d, i) => {
      const location = unique.length > 1 ? `${name}[${i}]` : name;
      checkDimension(model, d, location);
      checkGroupable(model, d, location);
    });
    return unique;
  };

  const reads = { config: { reads: true } };
  app.get('/api/v1/openapi.json', { config: { public: true } }, async () =>
    // The document names the bound model's dimensions (its shapes change with the binding).
    openApiDocument(bound.binding ? { dimensions: bound.binding.dimensions.map((d) => d.member), offerName: bound.binding.offerName } : {}),
  );

  // What the bound model supports: the dashboard builds its controls from it.
  app.get('/api/v1/binding', { config: { reads: true } }, async () => bindingDocument(model, bound, settings.conversionWindowDays ?? 30));

  app.get('/api/v1/kpi', reads, async (request, reply) => {
    const { ctx, common } = context(request, reply, query(request, []));
    return kpiHeadline(ctx, common.selection);
  });

  app.get('/api/v1/timeseries', reads, async (request, reply) => {
    const q = query(request, ['grain', 'chart', 'includeProvisional']);
    const { ctx, common } = context(request, reply, q);
    const grain = param(q, 'grain');
    const chart = param(q, 'chart');
    const provisional = param(q, 'includeProvisional');
    return timeseries(ctx, common.selection, {
      grain: grain === undefined ? 'month' : parseChoiceParam(grain, 'grain', GRAINS),
      chart: chart === undefined ? 'auto' : parseChoiceParam(chart, 'chart', ['auto', 'p', 'laney'] as const),
      includeProvisional: provisional === undefined ? false : parseChoiceParam(provisional, 'includeProvisional', ['true', 'false'] as const) === 'true',
    });
  });

  app.get('/api/v1/breakdown', reads, async (request, reply) => {
    const q = query(request, ['by', 'correction']);
    const { ctx, common } = context(request, reply, q);
    const by = param(q, 'by');
    if (by === undefined) throw new UprateError('BAD_ARGUMENT', 'by is required: the dimension(s) to break down by', { location: 'by', hint: 'e.g. by=Customers.accountSize' });
    return breakdown(ctx, common.selection, { by: dimensionList(by, 'by', 2), correction: correctionOf(q) });
  });

  app.get('/api/v1/leaderboard', reads, async (request, reply) => {
    const q = query(request, ['by', 'sort', 'limit']);
    const { ctx, common } = context(request, reply, q);
    const by = param(q, 'by');
    const sort = param(q, 'sort');
    const limit = param(q, 'limit');
    return leaderboard(ctx, common.selection, {
      ...(by === undefined ? {} : { by: dimensionList(by, 'by', 1)[0] }),
      ...(sort === undefined ? {} : { sort: parseChoiceParam(sort, 'sort', LEADERBOARD_SORTS) }),
      ...(limit === undefined ? {} : { limit: parseNumber(limit, 'limit', { min: 1, max: 50_000, integer: true }) }),
    });
  });

  app.get('/api/v1/compare', reads, async (request, reply) => {
    const q = query(request, ['a', 'b', 'aFrom', 'aTo', 'bFrom', 'bTo']);
    const { ctx, common } = context(request, reply, q);
    const side = (name: 'a' | 'b') => {
      const text = param(q, name);
      if (text === undefined) {
        throw new UprateError('BAD_ARGUMENT', `${name} is required: a JSON array of Cube filters for population ${name.toUpperCase()}`, {
          location: name,
          hint: `e.g. ${name}=[{"member":"Customers.accountSize","operator":"equals","values":["enterprise"]}] ([] = everything selected)`,
        });
      }
      const from = param(q, `${name}From`);
      const to = param(q, `${name}To`);
      return {
        filters: parseFilters(text, model, name),
        ...(from === undefined ? {} : { from: parseDay(from, `${name}From`) }),
        ...(to === undefined ? {} : { to: parseDay(to, `${name}To`) }),
        name: name.toUpperCase(),
      };
    };
    return comparePopulations(ctx, common.selection, side('a'), side('b'));
  });

  app.get('/api/v1/insights', reads, async (request, reply) => {
    const q = query(request, ['correction', 'dimensions']);
    const { ctx, common } = context(request, reply, q);
    const dims = param(q, 'dimensions');
    return findInsights(ctx, common.selection, {
      correction: correctionOf(q),
      ...(dims === undefined ? {} : { dimensions: dimensionList(dims, 'dimensions', 50) }),
    });
  });

  // The monthly report's numbers (`uprate report --format html|md` renders them, wherever it runs).
  app.get('/api/v1/report/monthly', reads, async (request, reply) => {
    const q = (request.query ?? {}) as Params;
    checkKnown(q, MONTHLY_PARAMS);
    const { ctx, common } = context(request, reply, q);
    const month = param(q, 'month');
    if (month !== undefined) monthRange(month, 'month');
    return collectMonthlyReport(ctx, { ...(month ? { month } : {}), offerType: common.selection.offerType, filters: common.selection.filters });
  });

  app.get('/api/v1/sample-size', reads, async (request, reply) => {
    const q = query(request, ['baseline', 'mde', 'n', 'power', 'alpha', 'designEffect']);
    const mde = param(q, 'mde');
    const n = param(q, 'n');
    const power = param(q, 'power');
    const alpha = param(q, 'alpha');
    const baseline = param(q, 'baseline');
    const given = param(q, 'designEffect');
    // The design effect and offers per customer of the selection (all offers by default), measured.
    const { ctx, common } = context(request, reply, q);
    const measured = await measuredClustering(ctx, common.selection);
    const rate = baseline === undefined ? measured.rate : parseNumber(baseline, 'baseline', { min: 0, max: 1, open: true });
    if (rate === null || rate <= 0 || rate >= 1) {
      throw new UprateError('BAD_ARGUMENT', 'baseline is required: the selection has no conversion rate strictly between 0 and 1 to plan from', {
        location: 'baseline',
        hint: 'e.g. baseline=0.15',
      });
    }
    const clustering =
      given !== undefined
        ? {
            designEffect: parseNumber(given, 'designEffect', { min: 1, max: 1e6 }),
            offersPerCustomer: measured.clustering?.offersPerCustomer ?? 1,
            basis: 'design effect given with the request',
          }
        : measured.clustering;
    return sampleSizePlan({
      baseline: rate,
      ...(mde === undefined ? {} : { mde: parseNumber(mde, 'mde', { min: 0, max: 1, open: true }) }),
      ...(n === undefined ? {} : { n: parseNumber(n, 'n', { min: 1, max: 1e12, integer: true }) }),
      ...(power === undefined ? {} : { power: parseNumber(power, 'power', { min: 0, max: 1, open: true }) }),
      ...(alpha === undefined ? {} : { alpha: parseNumber(alpha, 'alpha', { min: 0, max: 1, open: true }) }),
      ...(clustering ? { clustering } : {}),
    });
  });
}

/** GET /api/v1/binding: the KPI's members, the breakdown dimensions with titles, and what is (not) available. */
export function bindingDocument(model: Model, check: BindingCheck, windowDays = 30) {
  const b = check.binding;
  return {
    bound: check.usable,
    members: b
      ? { offers: b.offers, accepted: b.accepted, time: b.time, pending: b.pending, revenue: b.revenue, customer: b.customer, offerType: b.offerType, daysToAccept: b.daysToAccept, offerName: b.offerName, industry: b.industry, channel: b.channel }
      : null,
    /** The conversion window uprate compiles the shipped model for; null when the model defines acceptance itself. */
    windowDays: b?.shipped ? windowDays : null,
    dimensions: b ? b.dimensions.map((d) => ({ member: d.member, title: d.title, key: d.key })) : [],
    capabilities: check.capabilities.map((c) => ({ name: c.name, available: c.available, ...(c.reason ? { reason: c.reason } : {}) })),
    problems: [...check.problems],
    cubes: [...model.cubes.keys()],
  };
}
