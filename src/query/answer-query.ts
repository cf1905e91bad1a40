import { UprateError } from '../core/errors.js';
import { DEFAULT_LIMITS, type Limits } from '../core/limits.js';
import type { Model } from '../model/index.js';
import { compileSql, dialectFor, planToSql, type CompiledSql, type Dialect } from '../sql/index.js';
import type { Row, Store } from '../store/store.js';
import type { SelectNode } from '../sql/nodes.js';
import { usableRollups } from '../rollups/availability.js';
import { matchRollup, type RollupMatch, type UsableRollup } from '../rollups/match.js';
import { rollupSql } from '../rollups/rollup-sql.js';
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
  /**
   * Read fresh rollups where they give exactly the rows' answer (default true). False reads the
   * rows: the cross-engine suite compares both; `UPRATE_ROLLUPS=off` turns them off everywhere.
   */
  readonly useRollups?: boolean;
  /** The rollups fresh now, when the caller already knows them (prepareQuery cannot look them up). */
  readonly rollups?: readonly UsableRollup[];
}

export interface LoadResult {
  readonly query: NormalizedQuery;
  readonly data: DataRow[];
  readonly annotation: Annotation;
  /** With `total: true`: the row count ignoring limit and offset; otherwise null. */
  readonly total: number | null;
  /** Cube's field: the rollup tables that answered, by table name. */
  readonly usedPreAggregations: Record<string, RollupUseReport>;
  /** Which rollup answered and for which periods, or why none could (absent when no rollup is fresh). */
  readonly rollup?: RollupReport;
}

export interface RollupUseReport {
  readonly targetTableName: string;
  readonly rollup: string;
  readonly lastUpdatedAt: string;
}

/** What `/load`, `/sql` and `/dry-run` say about rollups. */
export type RollupReport =
  | {
      readonly used: string;
      readonly table: string;
      readonly periodsFrom: string | null;
      readonly periodsTo: string | null;
      readonly readsRows: boolean;
      /** The periods from `from` read from the rollup's open window, as at `clock` (plus the rows whose window closed since). */
      readonly openWindow?: { readonly table: string; readonly from: string; readonly clock: string; readsClosedRows: boolean };
    }
  | { readonly used: null; readonly reason: string };

/** The rollup report of a prepared query. */
export function rollupReport(p: Pick<PreparedQuery, 'rollup' | 'rollupMiss'>): RollupReport | null {
  if (p.rollup) {
    const { use, from, to, readsRows, open } = p.rollup;
    const openWindow = open && (to === null || to > open.from) ? { openWindow: { table: open.table, from: open.from, clock: open.clock, readsClosedRows: open.closed !== null } } : {};
    return { used: use.rollup.path, table: use.build.table, periodsFrom: from, periodsTo: to, readsRows, ...openWindow };
  }
  return p.rollupMiss === null ? null : { used: null, reason: p.rollupMiss };
}

function rollupField(p: PreparedQuery): { rollup?: RollupReport } {
  const report = rollupReport(p);
  return report ? { rollup: report } : {};
}

/** Cube's `usedPreAggregations` of a prepared query. */
export function usedPreAggregations(p: Pick<PreparedQuery, 'rollup'>): Record<string, RollupUseReport> {
  if (!p.rollup) return {};
  const { use } = p.rollup;
  return { [use.build.table]: { targetTableName: use.build.table, rollup: use.rollup.path, lastUpdatedAt: use.stored.builtAt.toISOString() } };
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
  /** The rollup that answers it (with the rows outside its range), or null. */
  readonly rollup: RollupMatch | null;
  /** Why no rollup answers it (null when one does, or when the model declares none). */
  readonly rollupMiss: string | null;
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

/** The rollups a read may use: the caller's, or the store's fresh ones (none when turned off). */
export async function rollupsFor(store: Store, model: Model, options: AnswerOptions): Promise<readonly UsableRollup[]> {
  if (options.useRollups === false || process.env['UPRATE_ROLLUPS'] === 'off') return [];
  return options.rollups ?? usableRollups(store, model);
}

/** Runs one planned statement on the store with the read's timeout and cancel signal. */
export async function runStatement(store: Store, node: SelectNode, options: AnswerOptions): Promise<Row[]> {
  const sql = compileSql(dialectOf(store), node);
  const timeoutMs = options.timeoutMs ?? options.limits?.queryTimeoutMs;
  return store.query(sql.sql, sql.params, {
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
    ...(options.signal ? { signal: options.signal } : {}),
  });
}

/** Validates, normalises, plans and compiles a Cube query (every member checked against the model). */
export function prepareQuery(model: Model, query: unknown, options: AnswerOptions, dialect: Dialect): PreparedRequest {
  const limits = options.limits ?? DEFAULT_LIMITS;
  const request = normalizeRequest(guardQuery(query, limits), options.now);
  guardCells(request, limits);
  const queries = request.queries.map((q): PreparedQuery => {
    const plan = buildPlan(model, q, request.orderGiven, options);
    const match = options.rollups?.length && options.useRollups !== false ? matchRollup(model, plan, options.rollups) : null;
    const rollup = match && 'use' in match ? match : null;
    const planned = rollup ? rollupSql(model, plan, rollup) : planToSql(model, plan);
    const range = request.queryType === 'compareDateRangeQuery' ? q.timeDimensions.find((td) => td.dateRange)?.dateRange : undefined;
    return {
      query: q,
      plan,
      sql: compileSql(dialect, planned.query),
      totalSql: planned.total ? compileSql(dialect, planned.total) : null,
      compareDateRange: range?.join(' - '),
      rollup,
      rollupMiss: match && 'reason' in match ? match.reason : null,
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
  const prepared = prepareQuery(model, query, { ...options, rollups: await rollupsFor(store, model, options) }, dialectOf(store));
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
        usedPreAggregations: usedPreAggregations(p),
        ...rollupField(p),
      };
    }),
  );
  return { queryType: prepared.queryType, results, pivotQuery: prepared.pivotQuery };
}
