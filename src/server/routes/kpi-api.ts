import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DEFAULT_CURRENCY, type UprateConfig } from '../../config/index.js';
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
  segmentTimeseries,
  timeseries,
  timeToAccept,
  type KpiContext,
  type Params,
  type Selection as KpiSelection,
} from '../../insights/index.js';
import { servedBinding, type BindingCheck } from '../../kpi/index.js';
import type { Model } from '../../model/index.js';
import { DEFAULT_BAND_THRESHOLDS, type AdjustMethod } from '../../stats/index.js';
import type { ServerContext } from '../context.js';
import { openApiDocument } from '../openapi.js';
import type { ReadScope } from '../read-scope.js';
import { sendRead, type ApiAnswers, type ReadRun } from '../api-answers.js';
import { SharedReads } from '../shared-reads.js';
// The numbers only: the renderer (and ECharts) stays with the CLI.
import { collectMonthlyReport, monthRange } from '../../report-html/monthly-report.js';

/** The settings the KPI endpoints read from the config file. */
export type KpiSettings = Partial<Pick<UprateConfig, 'bands' | 'target' | 'conversionWindowDays' | 'stats' | 'kpi' | 'currency'>>;

export interface KpiApiOptions {
  readonly model: Model;
  /** The config's KPI binding checked against the model (once, by buildApp). */
  readonly binding: BindingCheck;
  readonly settings?: KpiSettings | undefined;
  /** The /api/v1 answer cache (api-answers.ts): every read here is answered through it. */
  readonly answers: ApiAnswers;
}

/** A read's common parameters, the KPI binding it is answered through, and the caller's scope. */
export interface KpiRead {
  readonly common: ReturnType<typeof parseCommon>;
  readonly binding: ReturnType<typeof servedBinding>;
  readonly scope: ReadScope;
}

const CORRECTIONS: readonly AdjustMethod[] = ['holm', 'bh', 'bonferroni'];

/** The monthly report's parameters: the month picks the range, the server's settings the statistics. */
const MONTHLY_PARAMS = ['month', 'offerType', 'filters', 'asOf'];

/**
 * uprate's own JSON API under /api/v1 (response types: src/insights/api-types.ts; the OpenAPI
 * document at /api/v1/openapi.json). Every number comes from model queries, so it answers on any
 * engine, restricted by the caller's token like the Cube API.
 */
/**
 * The KPI context of one read, as every /api/v1 route builds it: the server's store, the caller's
 * access and limits, the config's settings, the request's clock and signal, the shared reads of
 * the data version it answers.
 */
export function kpiContextOf(server: ServerContext, model: Model, settings: KpiSettings, shared: SharedReads): (read: KpiRead, run: ReadRun) => KpiContext {
  return ({ common, binding, scope }, run) => ({
    store: server.store,
    model,
    binding,
    asOf: run.asOf,
    access: scope.access,
    limits: scope.limits,
    signal: run.signal,
    windowDays: settings.conversionWindowDays ?? 30,
    thresholds: settings.bands ?? DEFAULT_BAND_THRESHOLDS,
    target: settings.target ?? null,
    correction: settings.stats?.correction ?? 'holm',
    level: common.level,
    method: common.method,
    reads: shared.for(run.generation),
  });
}

export async function kpiApiRoutes(app: FastifyInstance, server: ServerContext, options: KpiApiOptions): Promise<void> {
  const { model } = options;
  const settings = options.settings ?? {};
  // A model without the KPI's inputs still serves the Cube API; the KPI endpoints say what to bind.
  const bound = options.binding;
  // Every computation against the same data shares its count reads (the dashboard's requests overlap).
  const shared = new SharedReads();

  /**
   * What every read checks first, in this order: the common parameters, the caller's scope (a
   * token without a required claim is refused here), then the binding.
   */
  const read = (request: FastifyRequest, reply: FastifyReply, q: Params): KpiRead => {
    const common = parseCommon(q, model);
    const scope = server.read(request, reply);
    return { common, scope, binding: servedBinding(bound) };
  };
  const kpiContext = kpiContextOf(server, model, settings, shared);
  /**
   * The answer of a parsed read (cached, or computed once for every identical request). `params`
   * is what the route passes to the computation besides the common parameters: the key.
   */
  const answer = (reply: FastifyReply, path: string, r: KpiRead, params: unknown, compute: (ctx: KpiContext) => Promise<unknown>) => {
    const { selection, level, method } = r.common;
    return sendRead(reply, options.answers, {
      route: `GET ${path}`,
      params: { selection, level, method, route: params },
      whose: r.scope.access,
      asOf: r.common.asOf,
      signal: r.scope.signal,
      compute: (run) => compute(kpiContext(r, run)),
    });
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

  app.get('/api/v1/openapi.json', { config: { public: true } }, async () =>
    // The document names the bound model's dimensions (its shapes change with the binding).
    openApiDocument(bound.binding ? { dimensions: bound.binding.dimensions.map((d) => d.member), offerName: bound.binding.offerName } : {}),
  );

  // What the bound model supports: the dashboard builds its controls from it.
  app.get('/api/v1/binding', { config: { reads: true } }, async () =>
    bindingDocument(model, bound, settings.conversionWindowDays ?? 30, { currency: settings.currency ?? DEFAULT_CURRENCY, data: await dataFreshness(server) }),
  );

  app.get('/api/v1/kpi', async (request, reply) => {
    const r = read(request, reply, query(request, []));
    return answer(reply, '/api/v1/kpi', r, {}, (ctx) => kpiHeadline(ctx, r.common.selection));
  });

  app.get('/api/v1/timeseries', async (request, reply) => {
    const q = query(request, ['grain', 'chart', 'includeProvisional', 'by']);
    const r = read(request, reply, q);
    const by = param(q, 'by');
    const grain = param(q, 'grain');
    const chart = param(q, 'chart');
    const provisional = param(q, 'includeProvisional');
    const series = {
      grain: grain === undefined ? 'month' : parseChoiceParam(grain, 'grain', GRAINS),
      chart: chart === undefined ? 'auto' : parseChoiceParam(chart, 'chart', ['auto', 'p', 'laney'] as const),
      includeProvisional: provisional === undefined ? false : parseChoiceParam(provisional, 'includeProvisional', ['true', 'false'] as const) === 'true',
    };
    if (by !== undefined) {
      // One series per segment (the most-offered ones), each computed as the whole selection's.
      const split = { ...series, by: dimensionList(by, 'by', 1)[0] ?? by };
      return answer(reply, '/api/v1/timeseries', r, split, (ctx) => segmentTimeseries(ctx, r.common.selection, split));
    }
    return answer(reply, '/api/v1/timeseries', r, series, (ctx) => timeseries(ctx, r.common.selection, series));
  });

  // Cumulative acceptance by days since the offer, per segment (Kaplan–Meier for offers still open).
  app.get('/api/v1/time-to-accept', async (request, reply) => {
    const q = query(request, ['by']);
    const r = read(request, reply, q);
    const by = param(q, 'by');
    const split = by === undefined ? {} : { by: dimensionList(by, 'by', 1)[0] ?? by };
    return answer(reply, '/api/v1/time-to-accept', r, split, (ctx) => timeToAccept(ctx, r.common.selection, split));
  });

  app.get('/api/v1/breakdown', async (request, reply) => {
    const q = query(request, ['by', 'correction']);
    const r = read(request, reply, q);
    const by = param(q, 'by');
    if (by === undefined) throw new UprateError('BAD_ARGUMENT', 'by is required: the dimension(s) to break down by', { location: 'by', hint: 'e.g. by=Customers.accountSize' });
    const split = { by: dimensionList(by, 'by', 2), correction: correctionOf(q) };
    return answer(reply, '/api/v1/breakdown', r, split, (ctx) => breakdown(ctx, r.common.selection, split));
  });

  app.get('/api/v1/leaderboard', async (request, reply) => {
    const q = query(request, ['by', 'sort', 'limit']);
    const r = read(request, reply, q);
    const by = param(q, 'by');
    const sort = param(q, 'sort');
    const limit = param(q, 'limit');
    const board = {
      ...(by === undefined ? {} : { by: dimensionList(by, 'by', 1)[0] }),
      ...(sort === undefined ? {} : { sort: parseChoiceParam(sort, 'sort', LEADERBOARD_SORTS) }),
      ...(limit === undefined ? {} : { limit: parseNumber(limit, 'limit', { min: 1, max: 50_000, integer: true }) }),
    };
    return answer(reply, '/api/v1/leaderboard', r, board, (ctx) => leaderboard(ctx, r.common.selection, board));
  });

  app.get('/api/v1/compare', async (request, reply) => {
    const q = query(request, ['a', 'b', 'aFrom', 'aTo', 'bFrom', 'bTo']);
    const r = read(request, reply, q);
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
    const sides = { a: side('a'), b: side('b') };
    return answer(reply, '/api/v1/compare', r, sides, (ctx) => comparePopulations(ctx, r.common.selection, sides.a, sides.b));
  });

  app.get('/api/v1/insights', async (request, reply) => {
    const q = query(request, ['correction', 'dimensions']);
    const r = read(request, reply, q);
    const dims = param(q, 'dimensions');
    const scan = {
      correction: correctionOf(q),
      ...(dims === undefined ? {} : { dimensions: dimensionList(dims, 'dimensions', 50) }),
    };
    return answer(reply, '/api/v1/insights', r, scan, (ctx) => findInsights(ctx, r.common.selection, scan));
  });

  // The monthly report's numbers (`uprate report --format html|md` renders them, wherever it runs).
  app.get('/api/v1/report/monthly', async (request, reply) => {
    const q = (request.query ?? {}) as Params;
    checkKnown(q, MONTHLY_PARAMS);
    const r = read(request, reply, q);
    const month = param(q, 'month');
    if (month !== undefined) monthRange(month, 'month');
    const report = { ...(month ? { month } : {}), offerType: r.common.selection.offerType, filters: r.common.selection.filters, currency: settings.currency ?? DEFAULT_CURRENCY };
    return answer(reply, '/api/v1/report/monthly', r, report, (ctx) => collectMonthlyReport(ctx, report));
  });

  app.get('/api/v1/sample-size', async (request, reply) => {
    const q = query(request, ['baseline', 'mde', 'n', 'power', 'alpha', 'designEffect']);
    const r = read(request, reply, q);
    // Everything given is checked before anything is measured: a bad number costs no query.
    const number = (name: string, range: Parameters<typeof parseNumber>[2]) => {
      const text = param(q, name);
      return text === undefined ? undefined : parseNumber(text, name, range);
    };
    const fraction = { min: 0, max: 1, open: true };
    const given = {
      baseline: number('baseline', fraction),
      designEffect: number('designEffect', { min: 1, max: 1e6 }),
      mde: number('mde', fraction),
      n: number('n', { min: 1, max: 1e12, integer: true }),
      power: number('power', fraction),
      alpha: number('alpha', fraction),
    };
    return answer(reply, '/api/v1/sample-size', r, given, (ctx) => planSampleSize(ctx, r.common.selection, given));
  });
}

/** The sample-size parameters as given (checked), each undefined when absent. */
interface SampleSizeGiven {
  readonly baseline: number | undefined;
  readonly designEffect: number | undefined;
  readonly mde: number | undefined;
  readonly n: number | undefined;
  readonly power: number | undefined;
  readonly alpha: number | undefined;
}

/** The design effect and offers per customer of the selection (all offers by default) are measured; the rest is given. */
async function planSampleSize(ctx: KpiContext, selection: KpiSelection, given: SampleSizeGiven) {
  const measured = await measuredClustering(ctx, selection);
  const rate = given.baseline ?? measured.rate;
  if (rate === null || rate <= 0 || rate >= 1) {
    throw new UprateError('BAD_ARGUMENT', 'baseline is required: the selection has no conversion rate strictly between 0 and 1 to plan from', {
      location: 'baseline',
      hint: 'e.g. baseline=0.15',
    });
  }
  const clustering =
    given.designEffect !== undefined
      ? { designEffect: given.designEffect, offersPerCustomer: measured.clustering?.offersPerCustomer ?? 1, basis: 'design effect given with the request' }
      : measured.clustering;
  return sampleSizePlan({
    baseline: rate,
    ...(given.mde === undefined ? {} : { mde: given.mde }),
    ...(given.n === undefined ? {} : { n: given.n }),
    ...(given.power === undefined ? {} : { power: given.power }),
    ...(given.alpha === undefined ? {} : { alpha: given.alpha }),
    ...(clustering ? { clustering } : {}),
  });
}

/**
 * How fresh the numbers are, for the dashboard's "Data as of … · last load …": the server's
 * clock (what "pending" is judged against) and the time of the newest load in uprate's load log
 * (null without one: a model over the user's own tables, or before the first load).
 */
export async function dataFreshness(server: Pick<ServerContext, 'clock' | 'store'>): Promise<{ asOf: string; lastLoad: string | null }> {
  const last = await server.store.lastLoad();
  return { asOf: server.clock().toISOString(), lastLoad: last ? last.toISOString() : null };
}

/** GET /api/v1/binding: the KPI's members, the breakdown dimensions with titles, and what is (not) available. */
export function bindingDocument(model: Model, check: BindingCheck, windowDays = 30, served: { currency: string; data: { asOf: string; lastLoad: string | null } } = { currency: DEFAULT_CURRENCY, data: { asOf: new Date().toISOString(), lastLoad: null } }) {
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
    currency: served.currency,
    data: served.data,
  };
}
