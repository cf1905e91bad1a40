import { UprateError } from '../core/errors.js';
import { DEFAULT_LIMITS, type Limits } from '../core/limits.js';
import type { Model } from '../model/index.js';
import { compileSql, dialectFor, planToSql, type CompiledSql, type Dialect } from '../sql/index.js';
import type { Store } from '../store/store.js';
import { buildAnnotation, type Annotation } from './annotation.js';
import { buildPlan, type PlanOptions } from './build-plan.js';
import { guardCells, guardQuery } from './cost-guard.js';
import { formatRows, type DataRow } from './format-result.js';
import { normalizeRequest, type NormalizedQuery, type QueryType } from './normalize-query.js';
import type { QueryPlan } from './plan.js';

/** The clock and the caller's access (required), the cost limits, and how long the engine may take. */
export interface AnswerOptions extends PlanOptions {
  /** Cost limits (default: DEFAULT_LIMITS). */
  readonly limits?: Limits;
  /**
   * Cancel each statement in the engine after this long (default: the given limits'
   * queryTimeoutMs; none without limits — the CLI on the user's own database waits as long as it takes).
   */
  readonly timeoutMs?: number;
  /** Aborting cancels the statements in the engine (the client went away). */
  readonly signal?: AbortSignal;
}

export interface LoadResult {
  readonly query: NormalizedQuery;
  readonly data: DataRow[];
  readonly annotation: Annotation;
  /** With `total: true`: the row count ignoring limit and offset; otherwise null. */
  readonly total: number | null;
}

export interface LoadAnswer {
  readonly queryType: QueryType;
  /** One per compared date range; one for a regular query. */
  readonly results: readonly LoadResult[];
  readonly pivotQuery: Record<string, unknown>;
}

/** One normalised query, planned and compiled. */
export interface PreparedQuery {
  readonly query: NormalizedQuery;
  readonly plan: QueryPlan;
  readonly sql: CompiledSql;
  readonly totalSql: CompiledSql | null;
  /** `from - to` of its compared date range (compareDateRange queries). */
  readonly compareDateRange: string | undefined;
}

export interface PreparedRequest {
  readonly queryType: QueryType;
  /** False when the query gave no `order` (Cube's default order applied). */
  readonly orderGiven: boolean;
  readonly queries: readonly PreparedQuery[];
  readonly pivotQuery: Record<string, unknown>;
}

export function dialectOf(store: Pick<Store, 'engine'>): Dialect {
  try {
    return dialectFor(store.engine);
  } catch {
    throw new UprateError('ENGINE_UNAVAILABLE', `the semantic layer has no SQL dialect for ${store.engine} yet`, { location: store.engine });
  }
}

/** Validates, normalises, plans and compiles a Cube query (every member checked against the model). */
export function prepareQuery(model: Model, query: unknown, options: AnswerOptions, dialect: Dialect): PreparedRequest {
  const limits = options.limits ?? DEFAULT_LIMITS;
  const request = normalizeRequest(guardQuery(query, limits), options.now);
  guardCells(request, limits);
  const queries = request.queries.map((q): PreparedQuery => {
    const plan = buildPlan(model, q, request.orderGiven, options);
    const planned = planToSql(model, plan);
    const range = request.queryType === 'compareDateRangeQuery' ? q.timeDimensions.find((td) => td.dateRange)?.dateRange : undefined;
    return {
      query: q,
      plan,
      sql: compileSql(dialect, planned.query),
      totalSql: planned.total ? compileSql(dialect, planned.total) : null,
      compareDateRange: range?.join(' - '),
    };
  });
  const [first] = request.queries;
  const pivotQuery: Record<string, unknown> = { ...first, queryType: request.queryType };
  if (request.queryType === 'compareDateRangeQuery') pivotQuery['dimensions'] = ['compareDateRange', ...(first?.dimensions ?? [])];
  return { queryType: request.queryType, orderGiven: request.orderGiven, queries, pivotQuery };
}

/**
 * Answers a Cube /load query: runs the compiled SQL on the store and returns Cube's result
 * shape (query echo, data, annotation, total) once per query (several for compareDateRange).
 *
 * @example
 *   const answer = await answerQuery(store, model, { measures: ['Offers.conversionRate'] }, { now: new Date(), access: allAccess('local') });
 *   answer.results[0].data; // [{ 'Offers.conversionRate': '0.1834' }]
 */
export async function answerQuery(store: Store, model: Model, query: unknown, options: AnswerOptions): Promise<LoadAnswer> {
  const prepared = prepareQuery(model, query, options, dialectOf(store));
  const timeoutMs = options.timeoutMs ?? options.limits?.queryTimeoutMs;
  // Exact decimals keep the engine's digits (Cube sends PostgreSQL's numeric text as it is).
  const run = { exactDecimals: true, ...(timeoutMs === undefined ? {} : { timeoutMs }), ...(options.signal ? { signal: options.signal } : {}) };
  const results = await Promise.all(
    prepared.queries.map(async (p): Promise<LoadResult> => {
      const rows = await store.query(p.sql.sql, p.sql.params, run);
      const totalRows = p.totalSql ? await store.query(p.totalSql.sql, p.totalSql.params, run) : undefined;
      return {
        query: p.query,
        data: formatRows(p.plan, rows, p.compareDateRange),
        annotation: buildAnnotation(model, p.plan, p.query.segments ?? []),
        total: totalRows ? Number(totalRows[0]?.['total'] ?? 0) : null,
      };
    }),
  );
  return { queryType: prepared.queryType, results, pivotQuery: prepared.pivotQuery };
}
