import type { Model } from '../model/index.js';
import type { Dialect } from '../sql/index.js';
import { prepareQuery, rollupReport, type AnswerOptions, type PreparedQuery } from './answer-query.js';
import { accessFilters } from './access.js';
import { normalizeFilters } from './normalize-query.js';
import { transformQuery } from './transformed-query.js';

function orderObject(p: PreparedQuery): Record<string, 'asc' | 'desc'> {
  return Object.fromEntries(p.plan.order.map((o) => [o.id, o.desc ? 'desc' : 'asc']));
}

function sqlBody(p: PreparedQuery): Record<string, unknown> {
  const td = p.plan.timeDimensions[0];
  const aliasNameToMember = Object.fromEntries([...p.plan.measures, ...p.plan.dimensions, ...p.plan.timeDimensions].map((s) => [s.alias, s.key]));
  return {
    external: false,
    sql: [p.sql.sql, p.sql.params],
    lambdaQueries: {},
    ...(td ? { timeDimensionAlias: td.alias, timeDimensionField: td.member.path } : {}),
    order: orderObject(p),
    cacheKeyQueries: [],
    preAggregations: p.rollup ? [{ preAggregationId: p.rollup.use.rollup.path, tableName: p.rollup.use.build.table, type: 'rollup' }] : [],
    dataSource: 'default',
    aliasNameToMember,
    ...rollupEntry(p),
  };
}

/** uprate's own field: which rollup answers, for which periods — or why none can. */
function rollupEntry(p: PreparedQuery): { rollup?: unknown } {
  const report = rollupReport(p);
  return report ? { rollup: report } : {};
}

export type SqlResponse = { sql: Record<string, unknown> } | { sql: Record<string, unknown> }[];

/**
 * `/cubejs-api/v1/sql`: the SQL text and its parameters for a query, without running it —
 * `{sql: {...}}`, or one such object per range of a compareDateRange query (as Cube answers).
 */
export function compileToSql(model: Model, query: unknown, options: AnswerOptions & { readonly dialect: Dialect }): SqlResponse {
  const prepared = prepareQuery(model, query, options, options.dialect);
  const bodies = prepared.queries.map((p) => ({ sql: sqlBody(p) }));
  return prepared.queryType === 'regularQuery' && bodies[0] ? bodies[0] : bodies;
}

/**
 * `/cubejs-api/v1/dry-run`: the query type, the normalised queries, their order, each in the form
 * Cube's pre-aggregation matcher reads (transformed-query.ts), and the pivot query.
 */
export function dryRun(model: Model, query: unknown, options: AnswerOptions & { readonly dialect: Dialect }): Record<string, unknown> {
  const prepared = prepareQuery(model, query, options, options.dialect);
  const security = normalizeFilters(accessFilters(options.access), 'security');
  return {
    queryType: prepared.queryType,
    normalizedQueries: prepared.queries.map((p) => p.query),
    queryOrder: prepared.queries.map(orderObject),
    transformedQueries: prepared.queries.map((p) => transformQuery(model, p, security)),
    pivotQuery: prepared.pivotQuery,
    ...(prepared.queries.some((p) => rollupReport(p)) ? { rollups: prepared.queries.map((p) => rollupReport(p)) } : {}),
  };
}

/**
 * A stable key for a query (for result caches): the normalised queries as JSON, after every
 * member was checked against the model, object keys sorted. Relative date ranges are resolved with `now`, so
 * "today" keys change at midnight; measures reading `uprate.now()` change continuously.
 */
export function queryKey(model: Model, query: unknown, options: AnswerOptions & { readonly dialect: Dialect }): string {
  const prepared = prepareQuery(model, query, options, options.dialect);
  return JSON.stringify({ queries: prepared.queries.map((p) => p.query), orderGiven: prepared.orderGiven, access: accessFilters(options.access) }, sortedKeys);
}

/** JSON with object keys sorted, so that `{a, b}` and `{b, a}` key the same. */
function sortedKeys(_key: string, value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  return Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
