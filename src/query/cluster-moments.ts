import { InternalError, UprateError } from '../core/errors.js';
import { DEFAULT_LIMITS } from '../core/limits.js';
import type { Model } from '../model/index.js';
import { planToSql } from '../sql/index.js';
import { column, concat, identifier, raw, select, type SelectColumn, type SelectNode, type SqlExpr } from '../sql/nodes.js';
import type { Row, Store } from '../store/store.js';
import { answerQuery, rollupsFor, runStatement, type AnswerOptions } from './answer-query.js';
import { clusteredReadSql, matchClustered, type ClusteredMatch } from '../rollups/clustered-read.js';
import { buildPlan } from './build-plan.js';
import { clustersFirstPays, clustersFirstSelect, clustersFirstShape } from './clusters-first.js';
import { guardCells, guardQuery } from './cost-guard.js';
import { formatRows, type DataRow } from './format-result.js';
import { numberText } from './format-value.js';
import { normalizeRequest, type NormalizedQuery } from './normalize-query.js';
import type { CubeQuery } from './cube-query.js';
import type { Predicate, QueryPlan, Selection } from './plan.js';

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

export type ClustersFirst = 'auto' | 'always' | 'never';

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
  /**
   * Sum each cluster's rows on its own cube before joining the cubes it reaches by the cluster's
   * key (clusters-first.ts): `auto` (default) where that is exact and cheaper,
   * `always` wherever it is exact, `never` for the planner's one statement (tests compare them).
   */
  readonly clustersFirst?: ClustersFirst;
}

const CLUSTERS = 'uprate_clusters';
const productAlias = (i: number) => `uprate_product_${i}`;
const sumAlias = (i: number) => `uprate_sum_${i}`;
const positiveAlias = (i: number) => `uprate_positive_${i}`;

/** A clustered query checked, guarded and planned with its cluster dimension. */
interface PreparedClustered {
  readonly asked: NormalizedQuery;
  readonly plan: QueryPlan;
  readonly cluster: Selection;
  /** The group keys: the plan's dimensions but the cluster, then its time dimensions (Cube's order). */
  readonly keys: readonly Selection[];
}

function prepareClustered(model: Model, query: CubeQuery, request: ClusterRequest, options: AnswerOptions): PreparedClustered {
  const limits = options.limits ?? DEFAULT_LIMITS;
  const measures = query.measures ?? [];
  for (const [a, b] of [...request.products, ...(request.positive ?? []).map((m) => [m, m] as const)]) {
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
  const plan = buildPlan(model, { ...asked, dimensions: [...asked.dimensions, request.cluster], order: [] }, true, options);
  const cluster = plan.dimensions.find((d) => d.key === request.cluster);
  if (cluster === undefined) throw new InternalError(`cluster dimension ${request.cluster} is missing from the plan`);
  return { asked, plan, cluster, keys: [...plan.dimensions.filter((d) => d !== cluster), ...plan.timeDimensions] };
}

/** One row per group and cluster: summed per cluster before the joins where that is exact and pays, else the planner's statement. */
function perClusterSelect(model: Model, plan: QueryPlan, request: ClusterRequest): SelectNode {
  const shape = request.clustersFirst === 'never' ? null : clustersFirstShape(model, plan, request.cluster);
  return shape && (request.clustersFirst === 'always' || clustersFirstPays(shape))
    ? clustersFirstSelect(model, plan, shape)
    : { ...planToSql(model, plan).query, orderBy: [], limit: null, offset: null };
}

const sum = (expr: SqlExpr): SqlExpr => ({ kind: 'aggregate', fn: 'sum', arg: expr });

/**
 * The moments over per-cluster rows: each measure's sum, the clusters, Σ mᵢ·mⱼ per requested pair
 * and the clusters above 0 per `positive` measure; `ref` reads a measure's per-cluster column.
 */
function momentColumns(measures: readonly Selection[], request: ClusterRequest, ref: (index: number) => SqlExpr): SelectColumn[] {
  const measureRef = (key: string): SqlExpr => {
    const i = measures.findIndex((m) => m.key === key);
    if (i < 0) throw new InternalError(`measure ${key} is missing from the plan`);
    return ref(i);
  };
  return [
    // Named apart from the inner columns: ClickHouse would read sum(x) AS x as an aggregate of itself.
    ...measures.map((_, i) => ({ expr: sum(ref(i)), alias: sumAlias(i) })),
    { expr: raw('count(*)'), alias: CLUSTERS },
    ...request.products.map(([a, b], i) => ({
      expr: sum({ kind: 'concat', parts: [measureRef(a), raw(' * '), measureRef(b)] }),
      alias: productAlias(i),
    })),
    ...(request.positive ?? []).map((m, i) => ({
      expr: sum({ kind: 'caseWhen', when: { kind: 'compare', op: '>', left: measureRef(m), right: raw('0') }, then: raw('1'), otherwise: raw('0') }),
      alias: positiveAlias(i),
    })),
  ];
}


/** Engine rows of the moments' statement → the answer (the plan's own column names, formatted as /load would). */
function clusteredRows(p: PreparedClustered, rows: readonly Row[], request: ClusterRequest): ClusteredRow[] {
  const renamed = rows.map((row) => {
    const out: Record<string, unknown> = { ...row };
    p.plan.measures.forEach((m, i) => {
      // A count over no rows is 0, as SQL's count() gives it — not the NULL (DuckDB, PostgreSQL) or
      // 0 (ClickHouse) an engine's sum over no clusters gives, so every engine and read agrees.
      const value = row[sumAlias(i)];
      out[m.alias] = (value === null || value === undefined) && m.member.type === 'count' ? 0 : value;
    });
    return out;
  });
  const data = formatRows(p.plan, renamed as Row[]);
  return rows.map((row, i) => {
    const d = { ...(data[i] ?? {}) };
    delete d[p.cluster.key];
    return {
      data: d,
      clusters: Number(row[CLUSTERS] ?? 0),
      products: request.products.map((_, j) => Number(row[productAlias(j)] ?? 0)),
      positive: (request.positive ?? []).map((_, j) => Number(row[positiveAlias(j)] ?? 0)),
    };
  });
}

const MOMENT_ALIASES = { sum: sumAlias, clusters: CLUSTERS, product: productAlias, positive: positiveAlias };

/**
 * The read from a rollup by cluster, when one answers it exactly (clustered-read.ts): the
 * measures it does not store are read apart (from another rollup or the rows) and put beside
 * the moments by their groups. Null when none answers.
 */
async function answerFromRollup(store: Store, model: Model, query: CubeQuery, p: PreparedClustered, request: ClusterRequest, options: AnswerOptions): Promise<ClusteredRow[] | null> {
  if (request.clustersFirst === 'never') return null;
  const usable = await rollupsFor(store, model, options);
  if (!usable.some((u) => u.stored.layout)) return null;
  const moments = { cluster: request.cluster, products: request.products, positive: request.positive ?? [] };
  const match = matchClustered(p.plan, p.keys, moments, usable);
  if (!('use' in match)) return null;
  const node = clusteredReadSql(p.plan, p.keys, moments, match, MOMENT_ALIASES);
  const statement = match.cut.length === 0 ? node : withCutPeriods(model, p, request, match, node);
  const rows = clusteredRows(p, await runStatement(store, { ...statement, limit: p.asked.limit, offset: p.asked.offset || null }, options), request);
  if (match.missing.length === 0 || rows.length === 0) return rows;
  // The groups' other measures, by the same keys: the whole answer (no page) so every group is there.
  const apart = await answerQuery(store, model, { ...query, measures: match.missing.map((s) => s.key), order: [], limit: MAX_GROUPS, offset: 0 }, options);
  const data = apart.results[0]?.data ?? [];
  if (data.length >= MAX_GROUPS) return null;
  const keyOf = (row: DataRow) => JSON.stringify(p.keys.map((k) => row[k.key] ?? null));
  const byKey = new Map(data.map((row) => [keyOf(row), row]));
  return rows.map((row) => {
    const other = byKey.get(keyOf(row.data));
    const filled = { ...row.data };
    // Read apart as /load sends it (an exact decimal's text, "1234.50"); here as the rows' statement gives it ("1234.5").
    for (const s of match.missing) filled[s.key] = sameAsRows(other?.[s.key] ?? null);
    return { ...row, data: filled };
  });
}

/** A decimal's text as a double's (the clustered statements read numbers as doubles); whole numbers and the rest as they are. */
const sameAsRows = (v: string | boolean | null): string | boolean | null => (typeof v === 'string' && v.includes('.') ? numberText(Number(v)) : v);

/** The most groups a read apart returns: a read with as many may have been cut short. */
const MAX_GROUPS = 50_000;

async function answerPrepared(store: Store, model: Model, p: PreparedClustered, request: ClusterRequest, options: AnswerOptions, query: CubeQuery): Promise<ClusteredRow[]> {
  return (await answerFromRollup(store, model, query, p, request, options)) ?? answerFromRows(store, model, p, request, options);
}

/** The moments' statement over the rows, per group (unordered, unlimited): one row per group and cluster, summed up per group. */
function rowsMomentsSelect(model: Model, p: PreparedClustered, request: ClusterRequest): SelectNode {
  const aliases = p.keys.map((s) => s.alias);
  return select({
    columns: [...aliases.map((alias) => ({ expr: identifier(alias), alias })), ...momentColumns(p.plan.measures, request, (i) => identifier(p.plan.measures[i]?.alias ?? ''))],
    from: { kind: 'subquery', query: perClusterSelect(model, p.plan, request), alias: 'per_cluster' },
    groupBy: aliases.map((_, i) => i + 1),
  });
}

/** Groups in the order of their keys, so a caller can page with offset. */
const byKeys = (p: PreparedClustered) => p.keys.map((_, i) => ({ position: i + 1, desc: false }));

/** The read from the rows: one row per group and cluster, summed up per group in the engine. */
async function answerFromRows(store: Store, model: Model, p: PreparedClustered, request: ClusterRequest, options: AnswerOptions): Promise<ClusteredRow[]> {
  const outer: SelectNode = { ...rowsMomentsSelect(model, p, request), orderBy: byKeys(p), limit: p.asked.limit, offset: p.asked.offset || null };
  return clusteredRows(p, await runStatement(store, outer, options), request);
}

/**
 * A read by period whose range cuts some of the rollup's periods (a range from a Wednesday, by
 * week): each cut period is a group of its own, read from the rows within the range; the others
 * come from the rollup. The groups of the two parts are told apart by their period, so the
 * parts are put side by side, then ordered and paged as one answer.
 */
function withCutPeriods(model: Model, p: PreparedClustered, request: ClusterRequest, match: ClusteredMatch, fromRollup: SelectNode): SelectNode {
  const time = p.plan.timeDimensions[0];
  if (!time) throw new InternalError('a read cutting periods is grouped by a period');
  const at = (operator: 'gte' | 'lt', ms: number): Predicate => ({ kind: 'condition', member: time.member, operator, values: [new Date(ms).toISOString()] });
  const inCut: Predicate = { kind: 'or', items: match.cut.map((c) => ({ kind: 'and', items: [at('gte', c.lo), at('lt', c.hi)] })) };
  const where: Predicate = p.plan.where ? { kind: 'and', items: [p.plan.where, inCut] } : inCut;
  const rows = rowsMomentsSelect(model, { ...p, plan: { ...p.plan, where } }, request);
  // The parts' columns of one type each (ClickHouse unites no Int64 with a UInt64): the counts and
  // moments as 64-bit integers; a measure the rollup does not store is read apart for every group.
  const whole = new Set([CLUSTERS, ...request.products.map((_, i) => productAlias(i)), ...(request.positive ?? []).map((_, i) => positiveAlias(i))]);
  p.plan.measures.forEach((m, i) => {
    if (match.stored.includes(m) && m.member.type === 'count') whole.add(sumAlias(i));
  });
  const missing = new Set(p.plan.measures.flatMap((m, i) => (match.stored.includes(m) ? [] : [sumAlias(i)])));
  const typed = (node: SelectNode): SelectNode => ({
    ...node,
    columns: node.columns.map((c) => (missing.has(c.alias) ? { ...c, expr: raw('NULL') } : whole.has(c.alias) ? { ...c, expr: concat([raw('CAST('), c.expr, raw(' AS BIGINT)')]) } : c)),
    orderBy: [],
    limit: null,
    offset: null,
  });
  const names = rows.columns.map((c) => c.alias);
  return select({
    columns: names.map((alias) => ({ expr: identifier(alias), alias })),
    from: { kind: 'unionAll', queries: [typed(fromRollup), typed(rows)], alias: 'rollup_and_rows' },
    orderBy: byKeys(p),
  });
}

/**
 * Answers a Cube query of additive measures (counts, sums) per group *and* per cluster, then
 * sums the clusters up per group in the engine: the group's measures, its number of clusters
 * and Σ mᵢ·mⱼ over clusters for the requested measure pairs. Those moments are what a
 * cluster-robust (sandwich) variance of a ratio needs, without sending one row per customer.
 * The per-cluster rows are the model's own SQL for the query plus the cluster dimension (summed
 * on the cluster's cube before its joins where that is exact and cheaper: clusters-first.ts), so
 * security filters, joins and the clock apply exactly as for `/load`.
 *
 * @example
 *   await answerClustered(store, model, { measures: ['Offers.count', 'Offers.accepted'] },
 *     { cluster: 'Offers.customerId', products: [['Offers.count', 'Offers.count']] }, options);
 *   // [{ data: { 'Offers.count': '200000', … }, clusters: 20000, products: [2.1e6] }]
 */
export async function answerClustered(store: Store, model: Model, query: CubeQuery, request: ClusterRequest, options: AnswerOptions): Promise<ClusteredRow[]> {
  return answerPrepared(store, model, prepareClustered(model, query, request, options), request, options, query);
}

const SETS = 'uprate_sets';
const SET = 'uprate_set';
const SET_ID = 'uprate_set_id';
const setKey = (k: number) => `uprate_set_key_${k}`;
const setPart = (i: number) => `uprate_set_part_${i}`;

/** Queries read in one statement: the same query but for its dimensions (and limit, offset), each in the union's order. */
interface SetsBatch {
  /** Indexes of the queries read together. */
  readonly members: readonly number[];
  readonly plan: QueryPlan;
  /** The union's dimensions (the cluster's not among them), in order. */
  readonly dimensions: readonly Selection[];
  readonly node: SelectNode;
}

/** Which of the prepared queries one statement can answer, and its per-cluster rows; null when fewer than two. */
function setsBatch(model: Model, prepared: readonly PreparedClustered[], request: ClusterRequest, options: AnswerOptions): SetsBatch | null {
  const first = prepared[0];
  if (!first || request.clustersFirst === 'never') return null;
  // Everything but the dimensions and the page (limit, offset and Cube's echo of the limit) must be the same.
  const rest = ({ dimensions: _d, limit: _l, offset: _o, rowLimit: _r, ...q }: NormalizedQuery) => JSON.stringify(q);
  const union: string[] = [];
  for (const p of prepared) for (const d of p.asked.dimensions) if (!union.includes(d)) union.push(d);
  // A query's groups come out ordered by the union's columns: only queries listing their dimensions in that order keep theirs.
  let members = prepared.flatMap((p, i) => {
    const at = p.asked.dimensions.map((d) => union.indexOf(d));
    return rest(p.asked) === rest(first.asked) && at.every((x, j) => j === 0 || x > (at[j - 1] ?? -1)) ? [i] : [];
  });
  for (let attempt = 0; attempt < 2 && members.length >= 2; attempt++) {
    const dimensions = union.filter((d) => members.some((i) => prepared[i]?.asked.dimensions.includes(d)));
    const plan = buildPlan(model, { ...first.asked, dimensions: [...dimensions, request.cluster], order: [] }, true, options);
    const shape = clustersFirstShape(model, plan, request.cluster);
    if (!shape) return null;
    const dimensionsOf = plan.dimensions.filter((d) => d.key !== request.cluster);
    if (request.clustersFirst === 'always' || clustersFirstPays(shape)) {
      return { members, plan, dimensions: dimensionsOf, node: clustersFirstSelect(model, plan, shape) };
    }
    if (shape.own.size === 1) {
      // Grouped by customer attributes alone under a filter on one (summing first does not pay
      // then: the engine shrinks the join before it groups): the planner's statement, grouped by
      // every member's attributes, still has one row per customer — the offers are read once for
      // all members instead of once each (at 10 M, five attributes in 170 ms against 73 ms each).
      return { members, plan, dimensions: dimensionsOf, node: perClusterSelect(model, plan, { ...request, clustersFirst: 'never' }) };
    }
    // Without the queries grouped by the cluster's own dimensions (an offer's channel), the first pass is one row per cluster again.
    const own = new Set([...shape.own].map((s) => s.key));
    members = members.filter((i) => !prepared[i]?.asked.dimensions.some((d) => own.has(d)));
  }
  return null;
}

/**
 * Several clustered reads that differ only in their dimensions (a breakdown and its total; the
 * headline and a breakdown per customer attribute), answered as `answerClustered` answers each —
 * the same rows, values and order — but from one pass over the rows where clusters-first.ts
 * applies: the per-cluster sums are read once with every dimension, then each query's groups are
 * summed from them. Exact: a query's group is still Σ over its (group, cluster) pairs — the set
 * number and the other queries' dimensions (NULL for it) only keep the queries apart.
 *
 * Queries that cannot share the pass (another shape, their dimensions in another order than the
 * union's) are answered one by one. One statement returns at most the queries' limits (plus
 * offsets) together; a query cut short by that is asked again on its own.
 */
export async function answerClusteredSets(
  store: Store,
  model: Model,
  queries: readonly CubeQuery[],
  request: ClusterRequest,
  options: AnswerOptions,
): Promise<ClusteredRow[][]> {
  const prepared = queries.map((q) => prepareClustered(model, q, request, options));
  // Each read a rollup by cluster answers is read from it on its own (a few columns of a row per cluster).
  const fromRollups = await Promise.all(queries.map((q, i) => answerFromRollup(store, model, q, prepared[i] as PreparedClustered, request, options)));
  const answers: (ClusteredRow[] | undefined)[] = fromRollups.map((r) => r ?? undefined);
  // The others share a pass over the rows where they can.
  const restAt = prepared.flatMap((_, i) => (answers[i] === undefined ? [i] : []));
  const rest = restAt.map((i) => prepared[i] as PreparedClustered);
  const batch = setsBatch(model, rest, request, options);
  if (batch) {
    const { members, plan, dimensions } = batch;
    const times = plan.timeDimensions;
    const inner = (alias: string): SqlExpr => column('per_cluster', alias);
    const setRef = column(SETS, SET);
    // Each (set, group, cluster) once: a query's dimensions kept in its own set, NULL in the others.
    const bySet = select({
      columns: [
        { expr: setRef, alias: SET_ID },
        ...dimensions.map((d, k) => {
          const sets = members.flatMap((i, j) => (rest[i]?.asked.dimensions.includes(d.key) ? [raw(String(j))] : []));
          return { expr: { kind: 'caseWhen', when: { kind: 'inList', expr: setRef, values: sets, negated: false }, then: inner(d.alias), otherwise: null } as SqlExpr, alias: setKey(k) };
        }),
        ...times.map((t, k) => ({ expr: inner(t.alias), alias: setKey(dimensions.length + k) })),
        { expr: inner(batch.plan.dimensions.find((d) => d.key === request.cluster)?.alias ?? ''), alias: `${SET}_cluster` },
        ...plan.measures.map((m, i) => ({ expr: sum(inner(m.alias)), alias: setPart(i) })),
      ],
      from: { kind: 'subquery', query: batch.node, alias: 'per_cluster' },
      joins: [{ kind: 'join', type: 'CROSS', item: { kind: 'sqlSource', sql: raw(members.map((_, j) => `SELECT ${j} AS ${SET}`).join(' UNION ALL ')), alias: SETS }, on: null }],
      // The set, its keys and the cluster.
      groupBy: Array.from({ length: dimensions.length + times.length + 2 }, (_, i) => i + 1),
    });
    const keys = [SET_ID, ...[...dimensions, ...times].map((_, k) => setKey(k))];
    const budget = members.reduce((s, i) => s + (rest[i]?.asked.limit ?? 0) + (rest[i]?.asked.offset ?? 0), 0);
    const outer = select({
      columns: [
        ...keys.map((key, k) => ({ expr: identifier(key), alias: k === 0 ? SET_ID : ([...dimensions, ...times][k - 1]?.alias ?? key) })),
        ...momentColumns(plan.measures, request, (i) => identifier(setPart(i))),
      ],
      from: { kind: 'subquery', query: bySet, alias: 'per_cluster_set' },
      groupBy: keys.map((_, i) => i + 1),
      orderBy: keys.map((_, i) => ({ position: i + 1, desc: false })),
      limit: budget,
    });
    const rows = await runStatement(store, outer, options);
    const setOf = (row: Row) => Number(row[SET_ID]);
    const lastSet = rows.length > 0 ? setOf(rows[rows.length - 1] as Row) : -1;
    members.forEach((i, j) => {
      const p = rest[i] as PreparedClustered;
      const own = rows.filter((row) => setOf(row) === j);
      const offset = p.asked.offset ?? 0;
      const wanted = offset + p.asked.limit;
      // Complete unless the statement's limit cut it: rows of a later set follow it, or it has all it asks for.
      const complete = rows.length < budget || j < lastSet || own.length >= wanted;
      // A query without keys has one row even over no rows at all (an aggregate without GROUP BY): asked on its own then.
      if (complete && (p.keys.length > 0 || own.length > 0)) answers[restAt[i] ?? -1] = clusteredRows(p, own.slice(offset, wanted), request);
    });
  }
  // No rollup answered these (asked above): read alone from the rows, side by side as separate reads would be.
  const alone = prepared.flatMap((p, i) => (answers[i] === undefined ? [{ p, i }] : []));
  await Promise.all(alone.map(async ({ p, i }) => (answers[i] = await answerFromRows(store, model, p, request, options))));
  return answers as ClusteredRow[][];
}
