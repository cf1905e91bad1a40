import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { UprateError } from '../../core/errors.js';
import { parseDate } from '../../kpi/index.js';
import type { ServerContext } from '../context.js';
import type { AnswerCache } from '../answer-cache.js';
import type { LoadAnswer, QueryContext, SemanticLayer } from '../semantic-layer.js';
import { readCubeRequest } from './cube-request.js';

export interface CubeRouteOptions {
  readonly layer: SemanticLayer;
  /** Answers by normalised query and security context, refreshed by the store's data version (no query slot: the route takes one). */
  readonly answers: AnswerCache<LoadAnswer>;
  /** How long /load waits before answering `Continue wait` (Cube's long-poll). */
  readonly continueWaitMs: number;
}

/** uprate's extension of Cube's API: the query clock (relative date ranges, pending offers), as `uprate query --as-of`. */
export const AS_OF_HEADER = 'x-uprate-as-of';

/**
 * The query's clock: the server's, or the instant the `x-uprate-as-of` header names (a day or an
 * ISO 8601 instant; it keys the result cache like any clock).
 */
function queryClock(request: FastifyRequest, ctx: ServerContext): Date {
  const given = request.headers[AS_OF_HEADER];
  if (given === undefined || given === '') return ctx.clock();
  if (typeof given !== 'string') throw new UprateError('BAD_ARGUMENT', `give the ${AS_OF_HEADER} header once`, { location: AS_OF_HEADER });
  return parseDate(given, AS_OF_HEADER);
}

/** /load keeps running after a "Continue wait" (the client asks again), so only its timeout stops it. */
function queryContext(request: FastifyRequest, reply: FastifyReply, ctx: ServerContext, abortOnClose = true): QueryContext {
  const now = queryClock(request, ctx);
  return { scope: ctx.read(request, reply, { abortOnClose }), now };
}

/**
 * The query without its `renewQuery` flag, and the flag: a renewal and the same query asked
 * plainly share one cache entry (Cube keys its cache on the query's SQL, which the flag does not
 * change). A flag that is not a boolean stays, for the query check to refuse.
 */
function splitRenew(query: unknown): { plain: unknown; renewQuery: boolean | undefined } {
  if (typeof query !== 'object' || query === null || Array.isArray(query)) return { plain: query, renewQuery: undefined };
  const { renewQuery, ...plain } = query as Record<string, unknown>;
  return typeof renewQuery === 'boolean' ? { plain, renewQuery } : { plain: query, renewQuery: undefined };
}

/** The query echo as the request gave it: with its `renewQuery` flag, when it had one. */
function echo<T extends object>(query: T, renewQuery: boolean | undefined): T {
  return renewQuery === undefined ? query : { ...query, renewQuery };
}

/** Cube's REST API: /load, /sql, /dry-run, /meta under /cubejs-api/v1. */
export async function cubeRoutes(app: FastifyInstance, ctx: ServerContext, options: CubeRouteOptions): Promise<void> {
  const { layer, answers } = options;

  /**
   * The cached answer, or the query run (joining the same query already running). The store's
   * data version is uprate's refresh key: it is read before a query runs and kept with its
   * answer. `renewQuery: true` does what it does in Cube — check the refresh key now instead of
   * waiting — and runs the query again only when the version moved; otherwise the cached answer
   * (and its `lastRefreshTime`) stands. The clock is in the key (to the minute), so answers do
   * not age here; a client gone does not cancel the query (it comes back after "Continue wait").
   */
  async function answer(query: unknown, renew: boolean, qctx: QueryContext) {
    const { key: normalized } = await layer.normalize(query, qctx);
    const asked = answers.ask({ key: `${normalized}|${JSON.stringify(qctx.scope.access)}`, renew, compute: () => layer.load(query, qctx) });
    let timer: NodeJS.Timeout | undefined;
    const wait = new Promise<'continue'>((resolve) => {
      timer = setTimeout(() => resolve('continue'), options.continueWaitMs);
    });
    try {
      const result = await Promise.race([asked, wait]);
      return result === 'continue' ? result : result.answer;
    } finally {
      clearTimeout(timer);
    }
  }

  const load = async (request: FastifyRequest, reply: FastifyReply) => {
    const { query, queryType } = readCubeRequest(request.method, request.query, request.body);
    const { plain, renewQuery } = splitRenew(query);
    const result = await answer(plain, renewQuery === true, queryContext(request, reply, ctx, false));
    // Cube's long-poll: the client asks again and joins the running query.
    if (result === 'continue') return { error: 'Continue wait' };
    const lastRefreshTime = result.refreshedAt.toISOString();
    const pivotQuery = echo(result.value.pivotQuery, renewQuery);
    const results = result.value.results.map((r) => ({
      ...r,
      query: echo(r.query, renewQuery),
      lastRefreshTime,
      dataSource: 'default',
      dbType: ctx.store.engine,
      external: false,
      slowQuery: false,
      total: r.total ?? null,
    }));
    if (queryType === 'multi') {
      return { queryType: result.value.queryType, results, pivotQuery, slowQuery: false };
    }
    if (results.length === 1) return results[0];
    return { queryType: result.value.queryType, results, pivotQuery, slowQuery: false };
  };
  const reads = { config: { reads: true } };
  app.get('/cubejs-api/v1/load', reads, load);
  app.post('/cubejs-api/v1/load', reads, load);

  const sql = async (request: FastifyRequest, reply: FastifyReply) => {
    const { query } = readCubeRequest(request.method, request.query, request.body);
    return layer.sql(query, queryContext(request, reply, ctx));
  };
  app.get('/cubejs-api/v1/sql', sql);
  app.post('/cubejs-api/v1/sql', sql);

  const dryRun = async (request: FastifyRequest, reply: FastifyReply) => {
    const { query } = readCubeRequest(request.method, request.query, request.body);
    return layer.dryRun(query, queryContext(request, reply, ctx));
  };
  app.get('/cubejs-api/v1/dry-run', dryRun);
  app.post('/cubejs-api/v1/dry-run', dryRun);

  app.get('/cubejs-api/v1/meta', async (request, reply) => layer.meta(queryContext(request, reply, ctx)));
}
