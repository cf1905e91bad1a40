import { type Model } from '../model/index.js';
import type { MemberRef, Predicate, QueryPlan, Selection } from '../query/plan.js';
import { planToSql, totalSelect, type PlannedSql } from '../sql/build-select.js';
import { predicateExpr, type PredicateScope } from '../sql/filter-sql.js';
import { leafMeasures, measureDef, measureExpr } from '../sql/measure-sql.js';
import { concat, identifier, logical, param, raw, select, type SelectColumn, type SelectNode, type SqlExpr } from '../sql/nodes.js';
import { timeRangeOf, type RollupMatch } from './match.js';
import { conjuncts, leafAlias, orderBy } from '../sql/query-scope.js';

const ROLLUP_ALIAS = 'rollup';
const UNION_ALIAS = 'rollup_and_rows';

function measureRef(model: Model, path: string): MemberRef {
  const m = measureDef(model, path);
  return { kind: 'member', path, cube: m.cube, name: m.name, memberType: 'measure', type: m.type };
}

/**
 * The rows outside the rollup's range: before it, from its end on, or with no time at all — less
 * what the query's own range on the time member already leaves out (rows without a time, or before
 * a rollup that starts where the query does), so that an engine reads one range of its rows: at 10 M
 * offers on ClickHouse, `t >= from AND t <= to AND (t IS NULL OR t < from OR t >= hi)` read every
 * offer (3.0 s for two months' pending by plan), `t >= hi AND t <= to` those months (0.96 s).
 */
function outsideRange(time: MemberRef, match: RollupMatch, plan: QueryPlan): Predicate {
  // The rollup answers only a query whose conditions on its time member are ranges (match.ts).
  const range = timeRangeOf(plan.where, time.path);
  const { lo, hi } = 'unranged' in range ? { lo: -Infinity, hi: Infinity } : range;
  const items: Predicate[] = [];
  // A condition on the time member keeps no row without a time.
  if (lo === -Infinity && hi === Infinity) items.push({ kind: 'condition', member: time, operator: 'notSet', values: [] });
  if (match.from !== null && lo < Date.parse(match.from)) items.push({ kind: 'condition', member: time, operator: 'beforeDate', values: [match.from] });
  if (match.to !== null && hi > Date.parse(match.to)) items.push({ kind: 'condition', member: time, operator: 'afterOrOnDate', values: [match.to] });
  const [only] = items;
  return items.length === 1 && only ? only : { kind: 'or', items: items.length > 0 ? items : [{ kind: 'condition', member: time, operator: 'notSet', values: [] }] };
}

/** The rollup's part: its periods in `[from, to)`, at the query's granularity, filtered on its stored dimensions (from `table`: the rollup's, or its open window's). */
function rollupPart(plan: QueryPlan, match: RollupMatch, leaves: readonly string[], table: string, from: string | null, to: string | null): SelectNode {
  const { build, rollup } = match.use;
  const column = (path: string): SqlExpr => identifier(build.dimensionColumns.get(path) ?? build.measureColumns.get(path) ?? path);
  const period = identifier(build.timeColumn);
  const columns: SelectColumn[] = [
    ...plan.dimensions.map((s) => ({ expr: column(s.member.path), alias: s.alias })),
    ...plan.timeDimensions.map((s) => ({ expr: s.granularity === rollup.granularity ? period : ({ kind: 'truncate', unit: s.granularity ?? 'day', expr: period } as SqlExpr), alias: s.alias })),
    ...leaves.map((path) => ({ expr: column(path), alias: leafAlias(path) })),
  ];
  const scope: PredicateScope = { member: (ref) => column(ref.path), segment: () => raw('1 = 0'), measureFilters: () => null };
  const others = conjuncts(plan.where).filter((p) => !(p.kind === 'condition' && p.member.path === rollup.timeDimension));
  const range: SqlExpr[] = [
    ...(from !== null ? [{ kind: 'compare', op: '>=', left: period, right: param(from, 'timestamp') } as SqlExpr] : []),
    ...(to !== null ? [{ kind: 'compare', op: '<', left: period, right: param(to, 'timestamp') } as SqlExpr] : []),
  ];
  return select({
    columns,
    from: { kind: 'table', table, alias: ROLLUP_ALIAS },
    where: logical('AND', [...range, ...others.map((p) => predicateExpr(p, scope))]),
  });
}

/** The rows' part: the query's own plan for its leaf measures, outside the rollup's range. */
function rowsPart(model: Model, plan: QueryPlan, match: RollupMatch, leaves: readonly string[]): SelectNode {
  const measures: Selection[] = leaves.map((path) => ({ kind: 'selection', member: measureRef(model, path), granularity: null, alias: leafAlias(path), key: path }));
  // The rows' own range first: ClickHouse 18.16 moves the first condition on a column to PREWHERE
  // (read before the join), and that is the narrow one (at 10 M, 0.95 s against 3.5 s).
  const where: Predicate = { kind: 'and', items: [outsideRange(measureRefTime(plan, match), match, plan), ...(plan.where ? [plan.where] : [])] };
  const rowsPlan: QueryPlan = { ...plan, measures, where, having: null, order: [], limit: 0, offset: 0, total: false };
  return { ...planToSql(model, rowsPlan).query, orderBy: [], limit: null, offset: null };
}

/**
 * The rows whose conversion window closed between the open window's clock and the query's, in the
 * open window's periods: what closing changed of each windowed count, from the closing table
 * (a range of it: it is kept in time order), grouped by the query's keys; other leaves NULL
 * (they read the same at both clocks).
 */
function closedPart(plan: QueryPlan, match: RollupMatch, leaves: readonly string[]): SelectNode | null {
  const open = match.open;
  const closing = match.use.open?.template.closing;
  if (!open?.closed || !closing) return null;
  const { build, rollup } = match.use;
  const column = (path: string): SqlExpr => identifier(build.dimensionColumns.get(path) ?? path);
  const instant = identifier(closing.instantColumn);
  const from = match.from !== null && match.from > open.from ? match.from : open.from;
  const compare = (op: '>' | '<=' | '>=' | '<', value: string): SqlExpr => ({ kind: 'compare', op, left: instant, right: param(value, 'timestamp') });
  const scope: PredicateScope = { member: (ref) => column(ref.path), segment: () => raw('1 = 0'), measureFilters: () => null };
  const others = conjuncts(plan.where).filter((p) => !(p.kind === 'condition' && p.member.path === rollup.timeDimension));
  const keys: SelectColumn[] = [
    ...plan.dimensions.map((s) => ({ expr: column(s.member.path), alias: s.alias })),
    ...plan.timeDimensions.map((s) => ({ expr: { kind: 'truncate', unit: s.granularity ?? 'day', expr: instant } as SqlExpr, alias: s.alias })),
  ];
  return select({
    columns: [
      ...keys,
      ...leaves.map((leaf) => {
        const changed = open.closed?.leaves.includes(leaf) ? closing.measureColumns[leaf] : undefined;
        return { expr: changed ? ({ kind: 'aggregate', fn: 'sum', arg: identifier(changed) } as SqlExpr) : raw('NULL'), alias: leafAlias(leaf) };
      }),
    ],
    from: { kind: 'table', table: open.closing, alias: ROLLUP_ALIAS },
    where: logical('AND', [
      compare('>', open.closed.after),
      compare('<=', open.closed.upTo),
      compare('>=', from),
      ...(match.to !== null ? [compare('<', match.to)] : []),
      ...others.map((p) => predicateExpr(p, scope)),
    ]),
    groupBy: keys.map((_, i) => i + 1),
  });
}

/** A part with its count columns (by alias) cast to a signed 64-bit integer; a NULL stays NULL. */
function signedCounts(part: SelectNode, counts: ReadonlySet<string>): SelectNode {
  const isNull = (e: SqlExpr) => e.kind === 'raw' && e.text === 'NULL';
  return { ...part, columns: part.columns.map((c) => (counts.has(c.alias) && !isNull(c.expr) ? { ...c, expr: concat([raw('CAST('), c.expr, raw(' AS BIGINT)')]) } : c)) };
}

function measureRefTime(plan: QueryPlan, match: RollupMatch): MemberRef {
  const path = match.use.rollup.timeDimension;
  const [cube = '', name = ''] = path.split('.');
  const known = [...plan.timeDimensions, ...plan.dimensions].find((s) => s.member.path === path)?.member;
  return known ?? { kind: 'member', path, cube, name, memberType: 'dimension', type: 'time' };
}

/** Counts, as the parts give them: integers, 0 over no rows. */
const isCount = (model: Model, path: string): boolean => ['count', 'count_distinct'].includes(measureDef(model, path).type);

/**
 * A leaf re-aggregated over the parts: counts and sums add up, minima and maxima of parts are the
 * whole's. A distinct count is read only where each group is one row of one part (match.ts), so
 * its sum is that row's value.
 */
function combined(model: Model, path: string): SqlExpr {
  const m = measureDef(model, path);
  const arg = identifier(leafAlias(path));
  if (m.type === 'min' || m.type === 'max') return { kind: 'aggregate', fn: m.type, arg };
  const sum: SqlExpr = { kind: 'aggregate', fn: 'sum', arg };
  // A count stays an integer of the count's own type, and 0 (not NULL) over no rows, as the rows give it.
  return isCount(model, path) ? concat([raw('CAST(coalesce('), sum, raw(', 0) AS BIGINT)')]) : sum;
}

/**
 * The statement answering a plan from a rollup: the rollup's periods in range and the query's own
 * statement over the rows outside it, UNION ALL, grouped again by the query's keys; ratios are
 * computed from the summed parts. Columns, order, limit and total are the plan's, so the rows
 * format exactly as the raw statement's would.
 */
export function rollupSql(model: Model, plan: QueryPlan, match: RollupMatch): PlannedSql {
  const leaves = [...new Set(plan.measures.flatMap((s) => leafMeasures(model, s.member.path)))];
  const { open } = match;
  const table = match.use.stored.table; // on ClickHouse each build is a generation of its own (engines/clickhouse/clickhouse-rollups.ts)
  // With an open window, the rollup serves the periods before it and the window those from its start.
  const settledTo = open && (match.to === null || match.to > open.from) ? open.from : match.to;
  const openFrom = open && match.from !== null && match.from > open.from ? match.from : open?.from ?? null;
  const closed = open && openFrom !== null && (match.to === null || match.to > openFrom) ? closedPart(plan, match, leaves) : null;
  const unsigned = [
    ...(openFrom !== null && match.from !== null && match.from >= openFrom ? [] : [rollupPart(plan, match, leaves, table, match.from, settledTo)]),
    ...(open && openFrom !== null && (match.to === null || match.to > openFrom) ? [rollupPart(plan, match, leaves, open.table, openFrom, match.to)] : []),
    ...(closed ? [closed] : []),
    ...(match.readsRows ? [rowsPart(model, plan, match, leaves)] : []),
  ];
  // What closing changes is negative (a pending offer stops being pending): ClickHouse finds no
  // common type for its signed sums and the other parts' unsigned counts, so every part's counts are signed.
  const counts = new Set(leaves.filter((l) => isCount(model, l)).map(leafAlias));
  const parts = closed ? unsigned.map((part) => signedCounts(part, counts)) : unsigned;
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
