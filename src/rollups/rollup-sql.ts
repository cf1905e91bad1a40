import { type Model } from '../model/index.js';
import type { MemberRef, Predicate, QueryPlan, Selection } from '../query/plan.js';
import { planToSql, totalSelect, type PlannedSql } from '../sql/build-select.js';
import { predicateExpr, type PredicateScope } from '../sql/filter-sql.js';
import { leafMeasures, measureDef, measureExpr } from '../sql/measure-sql.js';
import { concat, identifier, logical, param, raw, select, type SelectColumn, type SelectNode, type SqlExpr } from '../sql/nodes.js';
import { topLevel, type RollupMatch } from './match.js';
import { leafAlias, orderBy } from '../sql/query-scope.js';

const ROLLUP_ALIAS = 'rollup';
const UNION_ALIAS = 'rollup_and_rows';

function measureRef(model: Model, path: string): MemberRef {
  const m = measureDef(model, path);
  return { kind: 'member', path, cube: m.cube, name: m.name, memberType: 'measure', type: m.type };
}

/** The rows outside the rollup's range: before it, from its end on, or with no time at all. */
function outsideRange(time: MemberRef, match: RollupMatch): Predicate {
  const items: Predicate[] = [{ kind: 'condition', member: time, operator: 'notSet', values: [] }];
  if (match.from !== null) items.push({ kind: 'condition', member: time, operator: 'beforeDate', values: [match.from] });
  if (match.to !== null) items.push({ kind: 'condition', member: time, operator: 'afterOrOnDate', values: [match.to] });
  return { kind: 'or', items };
}

/** The rollup's part: its periods in range, at the query's granularity, filtered on its stored dimensions. */
function rollupPart(plan: QueryPlan, match: RollupMatch, leaves: readonly string[]): SelectNode {
  const { build, rollup, stored } = match.use;
  const column = (path: string): SqlExpr => identifier(build.dimensionColumns.get(path) ?? build.measureColumns.get(path) ?? path);
  const period = identifier(build.timeColumn);
  const columns: SelectColumn[] = [
    ...plan.dimensions.map((s) => ({ expr: column(s.member.path), alias: s.alias })),
    ...plan.timeDimensions.map((s) => ({ expr: s.granularity === rollup.granularity ? period : ({ kind: 'truncate', unit: s.granularity ?? 'day', expr: period } as SqlExpr), alias: s.alias })),
    ...leaves.map((path) => ({ expr: column(path), alias: leafAlias(path) })),
  ];
  const scope: PredicateScope = { member: (ref) => column(ref.path), segment: () => raw('1 = 0'), measureFilters: () => null };
  const others = topLevel(plan.where).filter((p) => !(p.kind === 'condition' && p.member.path === rollup.timeDimension));
  const range: SqlExpr[] = [
    ...(match.from !== null ? [{ kind: 'compare', op: '>=', left: period, right: param(match.from, 'timestamp') } as SqlExpr] : []),
    ...(match.to !== null ? [{ kind: 'compare', op: '<', left: period, right: param(match.to, 'timestamp') } as SqlExpr] : []),
  ];
  return select({
    columns,
    // The stored table: on ClickHouse each build is a generation of its own (engines/clickhouse/clickhouse-rollups.ts).
    from: { kind: 'table', table: stored.table, alias: ROLLUP_ALIAS },
    where: logical('AND', [...range, ...others.map((p) => predicateExpr(p, scope))]),
  });
}

/** The rows' part: the query's own plan for its leaf measures, outside the rollup's range. */
function rowsPart(model: Model, plan: QueryPlan, match: RollupMatch, leaves: readonly string[]): SelectNode {
  const time = measureRefTime(plan, match);
  const measures: Selection[] = leaves.map((path) => ({ kind: 'selection', member: measureRef(model, path), granularity: null, alias: leafAlias(path), key: path }));
  const where: Predicate = { kind: 'and', items: [...(plan.where ? [plan.where] : []), outsideRange(time, match)] };
  const rowsPlan: QueryPlan = { ...plan, measures, where, having: null, order: [], limit: 0, offset: 0, total: false };
  return { ...planToSql(model, rowsPlan).query, orderBy: [], limit: null, offset: null };
}

function measureRefTime(plan: QueryPlan, match: RollupMatch): MemberRef {
  const path = match.use.rollup.timeDimension;
  const [cube = '', name = ''] = path.split('.');
  const known = [...plan.timeDimensions, ...plan.dimensions].find((s) => s.member.path === path)?.member;
  return known ?? { kind: 'member', path, cube, name, memberType: 'dimension', type: 'time' };
}

/** A leaf re-aggregated over the parts: counts and sums add up, minima and maxima of parts are the whole's. */
function combined(model: Model, path: string): SqlExpr {
  const m = measureDef(model, path);
  const arg = identifier(leafAlias(path));
  if (m.type === 'min' || m.type === 'max') return { kind: 'aggregate', fn: m.type, arg };
  const sum: SqlExpr = { kind: 'aggregate', fn: 'sum', arg };
  // A count stays an integer of the count's own type, and 0 (not NULL) over no rows, as the rows give it.
  return m.type === 'count' ? concat([raw('CAST(coalesce('), sum, raw(', 0) AS BIGINT)')]) : sum;
}

/**
 * The statement answering a plan from a rollup: the rollup's periods in range and the query's own
 * statement over the rows outside it, UNION ALL, grouped again by the query's keys; ratios are
 * computed from the summed parts. Columns, order, limit and total are the plan's, so the rows
 * format exactly as the raw statement's would.
 */
export function rollupSql(model: Model, plan: QueryPlan, match: RollupMatch): PlannedSql {
  const leaves = [...new Set(plan.measures.flatMap((s) => leafMeasures(model, s.member.path)))];
  const parts = [rollupPart(plan, match, leaves), ...(match.readsRows ? [rowsPart(model, plan, match, leaves)] : [])];
  const keys = [...plan.dimensions, ...plan.timeDimensions];
  const columns: SelectColumn[] = [
    ...keys.map((s) => ({ expr: identifier(s.alias), alias: s.alias })),
    ...plan.measures.map((s) => ({ expr: measureExpr(model, s.member.path, (leaf) => combined(model, leaf), { model, now: plan.now }), alias: s.alias })),
  ];
  const query = select({
    columns,
    from: parts.length === 1 && parts[0] ? { kind: 'subquery', query: parts[0], alias: UNION_ALIAS } : { kind: 'unionAll', queries: parts, alias: UNION_ALIAS },
    groupBy: keys.map((_, i) => i + 1),
    orderBy: orderBy(plan, columns),
    limit: plan.limit,
    offset: plan.offset || null,
  });
  const total = plan.total ? totalSelect(query) : null;
  const aliases = new Map([...keys, ...plan.measures].map((s) => [s.alias, s]));
  return { query, total, aliases };
}
