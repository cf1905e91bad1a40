import { InternalError, UprateError } from '../core/errors.js';
import { DEFAULT_LIMITS } from '../core/limits.js';
import type { Model } from '../model/index.js';
import { compileSql, planToSql } from '../sql/index.js';
import { identifier, raw, select, type SelectColumn, type SqlExpr } from '../sql/nodes.js';
import type { Store } from '../store/store.js';
import { dialectOf, type AnswerOptions } from './answer-query.js';
import { buildPlan } from './build-plan.js';
import { guardCells, guardQuery } from './cost-guard.js';
import { formatRows, type DataRow } from './format-result.js';
import { normalizeRequest } from './normalize-query.js';
import type { CubeQuery } from './cube-query.js';

/** A group's row: its dimension values and measure sums (as `/load` sends them), plus the cluster moments. */
export interface ClusteredRow {
  readonly data: DataRow;
  /** Distinct clusters (e.g. customers) in the group. */
  readonly clusters: number;
  /** Σ over the group's clusters of mᵢ·mⱼ, one per requested pair of measures, in order. */
  readonly products: readonly number[];
  /** Clusters whose measure is above 0, one per requested `positive` measure, in order. */
  readonly positive: readonly number[];
}

export interface ClusterRequest {
  /** The dimension that identifies a cluster (e.g. `Offers.customerId`). */
  readonly cluster: string;
  /** Pairs of the query's measures whose per-cluster products are summed (e.g. [count, count]). */
  readonly products: readonly (readonly [string, string])[];
  /**
   * Measures whose clusters above 0 are counted (e.g. accepted offers: the customers who accepted
   * one) — a distinct count of the cluster, without a distinct count inside every cluster.
   */
  readonly positive?: readonly string[];
}

const CLUSTERS = 'uprate_clusters';
const productAlias = (i: number) => `uprate_product_${i}`;
const sumAlias = (i: number) => `uprate_sum_${i}`;
const positiveAlias = (i: number) => `uprate_positive_${i}`;

/**
 * Answers a Cube query of additive measures (counts, sums) per group *and* per cluster, then
 * sums the clusters up per group in the engine: the group's measures, its number of clusters
 * and Σ mᵢ·mⱼ over clusters for the requested measure pairs. Those moments are what a
 * cluster-robust (sandwich) variance of a ratio needs, without sending one row per customer.
 * The inner query is the model's own SQL for the query plus the cluster dimension, so security
 * filters, joins and the clock apply exactly as for `/load`.
 *
 * @example
 *   await answerClustered(store, model, { measures: ['Offers.count', 'Offers.accepted'] },
 *     { cluster: 'Offers.customerId', products: [['Offers.count', 'Offers.count']] }, options);
 *   // [{ data: { 'Offers.count': '200000', … }, clusters: 20000, products: [2.1e6] }]
 */
export async function answerClustered(
  store: Store,
  model: Model,
  query: CubeQuery,
  request: ClusterRequest,
  options: AnswerOptions,
): Promise<ClusteredRow[]> {
  const limits = options.limits ?? DEFAULT_LIMITS;
  const measures = query.measures ?? [];
  const positive = request.positive ?? [];
  for (const [a, b] of [...request.products, ...positive.map((m) => [m, m] as const)]) {
    for (const m of [a, b]) {
      if (!measures.includes(m)) throw new InternalError(`cluster product names ${m}, which the query does not measure`);
    }
  }
  // The query is checked and guarded as asked (its own limit of groups), then planned per cluster.
  const normalized = normalizeRequest(guardQuery(query, limits), options.now);
  guardCells(normalized, limits);
  const [asked] = normalized.queries;
  if (!asked || normalized.queries.length !== 1) {
    throw new UprateError('QUERY_INVALID', 'a clustered read answers one query (no compareDateRange)', { location: 'timeDimensions' });
  }
  // One row per group and cluster, in no order (the outer query groups and orders).
  const q = { ...asked, dimensions: [...asked.dimensions, request.cluster], order: [] };
  const plan = buildPlan(model, q, true, options);
  const planned = planToSql(model, plan);
  const innerNode = { ...planned.query, orderBy: [], limit: null, offset: null };

  const clusterAlias = plan.dimensions.find((d) => d.key === request.cluster)?.alias;
  if (clusterAlias === undefined) throw new InternalError(`cluster dimension ${request.cluster} is missing from the plan`);
  const groupAliases = [...plan.dimensions.filter((d) => d.alias !== clusterAlias), ...plan.timeDimensions].map((s) => s.alias);
  const aliasOf = new Map(plan.measures.map((m) => [m.key, m.alias]));
  const ref = (alias: string): SqlExpr => identifier(alias);
  const measureAlias = (key: string): string => {
    const alias = aliasOf.get(key);
    if (alias === undefined) throw new InternalError(`measure ${key} is missing from the plan`);
    return alias;
  };
  const sum = (expr: SqlExpr): SqlExpr => ({ kind: 'aggregate', fn: 'sum', arg: expr });
  const columns: SelectColumn[] = [
    ...groupAliases.map((alias) => ({ expr: ref(alias), alias })),
    // Named apart from the inner columns: ClickHouse would read sum(x) AS x as an aggregate of itself.
    ...plan.measures.map((m, i) => ({ expr: sum(ref(m.alias)), alias: sumAlias(i) })),
    { expr: raw('count(*)'), alias: CLUSTERS },
    ...request.products.map(([a, b], i) => ({
      expr: sum({ kind: 'concat', parts: [ref(measureAlias(a)), raw(' * '), ref(measureAlias(b))] } as SqlExpr),
      alias: productAlias(i),
    })),
    ...positive.map((m, i) => ({
      expr: sum({ kind: 'caseWhen', when: { kind: 'compare', op: '>', left: ref(measureAlias(m)), right: raw('0') }, then: raw('1'), otherwise: raw('0') }),
      alias: positiveAlias(i),
    })),
  ];
  // Groups in the order of their keys, so a caller can page with offset.
  const outer = select({
    columns,
    from: { kind: 'subquery', query: innerNode, alias: 'per_cluster' },
    groupBy: groupAliases.map((_, i) => i + 1),
    orderBy: groupAliases.map((_, i) => ({ position: i + 1, desc: false })),
    limit: asked.limit,
    offset: asked.offset || null,
  });
  const sql = compileSql(dialectOf(store), outer);
  const timeoutMs = options.timeoutMs ?? options.limits?.queryTimeoutMs;
  const rows = await store.query(sql.sql, sql.params, {
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  // Back to the plan's own column names, so the rows format as a /load answer would.
  const renamed = rows.map((row) => {
    const out: Record<string, unknown> = { ...row };
    plan.measures.forEach((m, i) => {
      out[m.alias] = row[sumAlias(i)];
    });
    return out;
  });
  const data = formatRows(plan, renamed as typeof rows);
  return rows.map((row, i) => {
    const d = { ...(data[i] ?? {}) };
    delete d[request.cluster];
    return {
      data: d,
      clusters: Number(row[CLUSTERS] ?? 0),
      products: request.products.map((_, j) => Number(row[productAlias(j)] ?? 0)),
      positive: positive.map((_, j) => Number(row[positiveAlias(j)] ?? 0)),
    };
  });
}
