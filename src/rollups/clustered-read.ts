import type { Predicate, QueryPlan, Selection } from '../query/plan.js';
import { predicateExpr, type PredicateScope } from '../sql/filter-sql.js';
import { concat, identifier, logical, param, raw, select, type SelectColumn, type SelectNode, type SqlExpr } from '../sql/nodes.js';
import { periodAfter, periodColumn, rowsColumn, timestampSql } from './clustered.js';
import { HI, LO, positiveColumn, productColumn, STARTS, sumColumn } from './moments.js';
import { conditionRange, fixedToOneValue, type NoRollup, type UsableRollup } from './match.js';
import { conjuncts } from '../sql/query-scope.js';
import { grainOf, type ClusterLayout } from './registry.js';

/** A clustered read a rollup by cluster answers: which of its periods, and which measures it holds. */
export interface ClusteredMatch {
  readonly use: UsableRollup;
  readonly layout: ClusterLayout;
  /** Indexes of the layout's periods the query's range keeps whole (in order). */
  readonly periods: readonly number[];
  /** The plan's measures the rollup stores (the others are read apart: `missing`). */
  readonly stored: readonly Selection[];
  readonly missing: readonly Selection[];
  /** The rollup has dimensions the query neither groups by nor fixes: its rows are summed per cluster first. */
  readonly regroup: boolean;
  /**
   * The parts of the query's range inside periods it cuts (ms, [lo, hi)), for a read grouped by
   * the rollup's period: those groups are read from the rows, the others from the rollup.
   */
  readonly cut: readonly { readonly lo: number; readonly hi: number }[];
}

/** What the read asks of each cluster: its measures, the products of pairs, the measures above 0. */
export interface ClusterMoments {
  readonly cluster: string;
  readonly products: readonly (readonly [string, string])[];
  readonly positive: readonly string[];
}

/** The members a predicate reads, and whether it holds a segment or a measure filter. */
function reads(p: Predicate): { paths: string[]; other: boolean } {
  if (p.kind === 'segment') return { paths: [], other: true };
  if (p.kind === 'condition') return { paths: [p.member.path], other: p.member.memberType === 'measure' || p.operator === 'measureFilter' };
  const parts = p.items.map(reads);
  return { paths: parts.flatMap((x) => x.paths), other: parts.some((x) => x.other) };
}

/**
 * Can a rollup by cluster answer a clustered read exactly, and from which of its periods? It can
 * when the read is by its cluster, in UTC, grouped by stored dimensions (and by month, or not by
 * time), filtered on stored dimensions and by a range on its time dimension that keeps each of its
 * months whole or leaves it out (a month's rows lie between its start and end, and between the
 * data's first and last instant), every product and positive measure is stored, and the read's
 * clock is at or after the latest stored instant its measures compare with the clock (each row
 * then reads as at the end of time, as the rollup holds it).
 */
export function matchClustered(plan: QueryPlan, keys: readonly Selection[], moments: ClusterMoments, usable: readonly UsableRollup[]): ClusteredMatch | NoRollup {
  const candidates = usable.filter((u) => u.stored.layout && u.rollup.clusteredBy === moments.cluster);
  if (candidates.length === 0) return { reason: `no rollup by ${moments.cluster} is built and fresh` };
  if (plan.ungrouped || plan.having) return { reason: 'a filter on a measure or an ungrouped read reads the rows' };
  if (plan.timezone !== 'UTC') return { reason: `rollups are by UTC month; the read is in ${plan.timezone}` };
  const results = candidates.map((use) => matchOne(plan, keys, moments, use));
  // A rollup read row by row beats one summed per cluster first; then the cheapest to read: a row
  // per cluster adds a few columns per month of the range, a rollup of moments a few per row (and
  // reads none for a range without months).
  const cost = (m: ClusteredMatch) => m.use.stored.rows * (m.layout.moments ? Math.min(1, m.periods.length) : Math.max(1, m.periods.length));
  const matches = results.filter((r): r is ClusteredMatch => 'use' in r).sort((a, b) => Number(a.regroup) - Number(b.regroup) || cost(a) - cost(b) || a.use.stored.rows - b.use.stored.rows);
  return matches[0] ?? { reason: results.map((r) => ('reason' in r ? r.reason : '')).join('; ') };
}

function matchOne(plan: QueryPlan, keys: readonly Selection[], moments: ClusterMoments, use: UsableRollup): ClusteredMatch | NoRollup {
  const { rollup } = use;
  const layout = use.stored.layout as ClusterLayout;
  const name = rollup.path;
  const stored = plan.measures.filter((s) => rollup.measures.includes(s.member.path));
  const missing = plan.measures.filter((s) => !rollup.measures.includes(s.member.path));
  const needed = [...moments.products.flat(), ...moments.positive];
  const absent = needed.find((path) => !rollup.measures.includes(path));
  if (absent) return { reason: `${name} does not store ${absent}` };
  const dimensions = keys.filter((k) => k.member.path !== rollup.timeDimension || k.granularity === null);
  const times = keys.filter((k) => k.member.path === rollup.timeDimension && k.granularity !== null);
  const outside = dimensions.find((k) => !rollup.dimensions.includes(k.member.path));
  if (outside) return { reason: `${name} does not store ${outside.member.path}` };
  if (times.length > 1 || plan.timeDimensions.length > times.length) return { reason: `${name} is by ${rollup.timeDimension} only` };
  const time = times[0];
  const grain = grainOf(layout);
  if (time && time.granularity !== grain) return { reason: `${name} is by ${grain}: it cannot give ${time.granularity ?? 'rows'}` };
  // Per period, a group's clusters must lie in one period: a read not by period sums clusters across periods.
  if (layout.perPeriod && !time) return { reason: `${name} keeps each ${grain}'s own moments: it answers reads by ${grain} only` };
  if (layout.clockFrom !== null && Date.parse(plan.now) < Date.parse(layout.clockFrom)) {
    return { reason: `the read's clock is before ${layout.clockFrom}, the latest instant ${name}'s measures compare with it` };
  }
  let lo = -Infinity;
  let hi = Infinity;
  let bounded = false;
  for (const p of conjuncts(plan.where)) {
    const r = reads(p);
    if (r.other) return { reason: 'a segment or a measure filter applies to the rows' };
    if (p.kind === 'condition' && p.member.path === rollup.timeDimension) {
      const range = conditionRange(p);
      if (!range) return { reason: `${p.operator} on ${p.member.path} is not a range of months` };
      lo = Math.max(lo, range.lo);
      hi = Math.min(hi, range.hi);
      bounded = true;
      continue;
    }
    const unknown = r.paths.find((path) => !rollup.dimensions.includes(path) && (path !== rollup.clusteredBy || layout.moments));
    if (unknown) return { reason: `a filter on ${unknown}, which ${name} does not store` };
  }
  // Rows without a time are in a read without a range on it, and in no month of the rollup.
  if (!bounded) return { reason: `a read of every ${rollup.timeDimension}, with the rows that have none, reads the rows` };
  const periods: number[] = [];
  const cut: { lo: number; hi: number }[] = [];
  if (layout.first !== null && layout.last !== null) {
    const first = Date.parse(layout.first);
    const last = Date.parse(layout.last);
    for (const [i, start] of layout.periods.entries()) {
      // The period's rows lie in [a, b]: inside the range, all kept; outside it, none.
      const a = Math.max(Date.parse(start), first);
      const end = periodAfter(start, grain);
      const b = Math.min(end - 1, last);
      if (a > b) continue;
      if (a >= lo && b < hi) periods.push(i);
      // Grouped by period, a cut period is a group of its own: read from the rows, the others from here.
      else if (b >= lo && a < hi && time) cut.push({ lo: Math.max(lo, Date.parse(start)), hi: Math.min(hi, end) });
      else if (b >= lo && a < hi) return { reason: `the range cuts ${start.slice(0, grain === 'month' ? 7 : 10)}, a ${grain} of ${name}` };
    }
  }
  const perCluster = use.build.clustered?.perCluster ?? [];
  const fixed = fixedToOneValue(plan.where);
  const loose = rollup.dimensions.find((d) => !dimensions.some((k) => k.member.path === d) && !fixed.has(d) && !perCluster.includes(d));
  // Moments cannot be summed over a dimension that splits a cluster's rows (the products across its values are not kept).
  if (layout.moments && loose) return { reason: `${name} keeps moments per ${loose}: the read must group by it or fix it to one value` };
  return { use, layout, periods, stored, missing, regroup: loose !== undefined, cut };
}

const id = identifier;

/** The i-th period's value of a measure column, or the sum over several periods (NULL only when each is, for a sum). */
function overPeriods(column: string, kind: 'count' | 'sum' | 'rows', periods: readonly number[]): SqlExpr {
  const cells = periods.map((i) => (kind === 'rows' ? id(rowsColumn(i)) : id(periodColumn(column, i))));
  if (cells.length === 0) return raw(kind === 'sum' ? 'NULL' : '0');
  if (kind !== 'sum' || cells.length === 1) return concat(cells.flatMap((c, i) => (i === 0 ? [c] : [raw(' + '), c])));
  const zeroed = cells.flatMap((c, i) => [...(i === 0 ? [] : [raw(' + ')]), raw('coalesce('), c, raw(', 0)')]);
  const allNull = cells.flatMap((c, i) => [...(i === 0 ? [] : [raw(' AND ')]), c, raw(' IS NULL')]);
  return concat([raw('CASE WHEN '), ...allNull, raw(' THEN NULL ELSE '), ...zeroed, raw(' END')]);
}

const sum = (arg: SqlExpr): SqlExpr => ({ kind: 'aggregate', fn: 'sum', arg });

/** Column aliases the moments' statement answers with (as cluster-moments.ts names them). */
export interface MomentAliases {
  readonly sum: (i: number) => string;
  readonly clusters: string;
  readonly product: (i: number) => string;
  readonly positive: (i: number) => string;
}

/**
 * The moments' statement over a rollup by cluster, answering as the rows' statement does: per
 * group (and month), each measure's sum, the clusters with rows, Σ of each pair's product and
 * the clusters above 0 — with a measure the rollup does not store as NULL (read apart).
 */
export function clusteredReadSql(plan: QueryPlan, keys: readonly Selection[], moments: ClusterMoments, match: ClusteredMatch, aliases: MomentAliases): SelectNode {
  if (match.layout.moments) return momentsReadSql(plan, keys, moments, match, aliases);
  const { layout, use } = match;
  const rollup = use.rollup;
  const dimensionColumn = (path: string): string => (path === rollup.clusteredBy ? layout.cluster : (layout.dimensions[rollup.dimensions.indexOf(path)] ?? path));
  const scope: PredicateScope = { member: (ref) => id(dimensionColumn(ref.path)), segment: () => raw('1 = 0'), measureFilters: () => null };
  const filters = conjuncts(plan.where).filter((p) => !(p.kind === 'condition' && p.member.path === rollup.timeDimension));
  const where = logical('AND', filters.map((p) => predicateExpr(p, scope)));
  const dimensions = keys.filter((k) => !(k.member.path === rollup.timeDimension && k.granularity !== null));
  const time = keys.find((k) => k.member.path === rollup.timeDimension && k.granularity !== null);
  const kindOf = (path: string) => layout.measures[rollup.measures.indexOf(path)]?.kind ?? 'sum';
  const columnOf = (path: string) => layout.measures[rollup.measures.indexOf(path)]?.column ?? path;
  const ROWS = 'uprate_cluster_rows';
  const measureAlias = (path: string) => plan.measures.find((s) => s.member.path === path)?.alias ?? path;

  /** One cluster's sums over some periods, per group: a row of the rollup, or its rows summed per cluster. */
  const perCluster = (periods: readonly number[]): SelectNode => {
    const value = (expr: SqlExpr) => (match.regroup ? sum(expr) : expr);
    const columns: SelectColumn[] = [
      ...dimensions.map((k) => ({ expr: id(dimensionColumn(k.member.path)), alias: k.alias })),
      { expr: value(overPeriods('', 'rows', periods)), alias: ROWS },
      ...match.stored.map((s) => ({ expr: value(overPeriods(columnOf(s.member.path), kindOf(s.member.path), periods)), alias: s.alias })),
    ];
    return select({
      columns: match.regroup ? [{ expr: id(layout.cluster), alias: layout.cluster }, ...columns] : columns,
      from: { kind: 'table', table: use.stored.table, alias: 'rollup' },
      where,
      groupBy: match.regroup ? Array.from({ length: dimensions.length + 1 }, (_, i) => i + 1) : [],
    });
  };
  const ref = (path: string) => id(measureAlias(path));
  /** The groups of one run of periods (every period of the range, or one month). */
  const groups = (periods: readonly number[], start: string | null): SelectNode =>
    select({
      columns: [
        ...dimensions.map((k) => ({ expr: id(k.alias), alias: k.alias })),
        ...(time ? [{ expr: raw(start === null ? 'NULL' : timestampSql(start)), alias: time.alias }] : []),
        ...plan.measures.map((s, i) => ({ expr: match.stored.includes(s) ? sum(id(s.alias)) : raw('NULL'), alias: aliases.sum(i) })),
        { expr: raw('count(*)'), alias: aliases.clusters },
        ...moments.products.map(([a, b], i) => ({ expr: sum(concat([ref(a), raw(' * '), ref(b)])), alias: aliases.product(i) })),
        ...moments.positive.map((m, i) => ({ expr: sum({ kind: 'caseWhen', when: { kind: 'compare', op: '>', left: ref(m), right: raw('0') }, then: raw('1'), otherwise: raw('0') }), alias: aliases.positive(i) })),
      ],
      from: { kind: 'subquery', query: perCluster(periods), alias: 'per_cluster' },
      where: { kind: 'compare', op: '>', left: id(ROWS), right: raw('0') },
      groupBy: dimensions.map((_, i) => i + 1),
    });
  const keyCount = dimensions.length + (time ? 1 : 0);
  const order = Array.from({ length: keyCount }, (_, i) => ({ position: i + 1, desc: false }));
  if (!time) return { ...groups(match.periods, null), orderBy: order, limit: plan.limit, offset: plan.offset || null };
  const parts = match.periods.map((i) => groups([i], layout.periods[i] ?? null));
  if (parts.length === 0) {
    // No month of the range has rows: no groups (a grouped read over no rows).
    return { ...groups([], null), where: raw('1 = 0'), orderBy: order, limit: plan.limit, offset: plan.offset || null };
  }
  const names = [...dimensions, time].map((k) => k.alias);
  const columns: SelectColumn[] = [
    ...names.map((alias) => ({ expr: id(alias), alias })),
    ...plan.measures.map((_, i) => ({ expr: id(aliases.sum(i)), alias: aliases.sum(i) })),
    { expr: id(aliases.clusters), alias: aliases.clusters },
    ...moments.products.map((_, i) => ({ expr: id(aliases.product(i)), alias: aliases.product(i) })),
    ...moments.positive.map((_, i) => ({ expr: id(aliases.positive(i)), alias: aliases.positive(i) })),
  ];
  return select({
    columns,
    from: parts.length === 1 && parts[0] ? { kind: 'subquery', query: parts[0], alias: 'per_month' } : { kind: 'unionAll', queries: parts, alias: 'per_month' },
    orderBy: order,
    limit: plan.limit,
    offset: plan.offset || null,
  });
}

/**
 * A row's month start from its month number (`CASE WHEN uprate_hi = 3 THEN <2024-04-01> …`), the
 * instants bound as parameters: ClickHouse 18.16 parses no `TIMESTAMP '…'` literal. With no months
 * in the range there are no rows either, but the column must still parse.
 */
function monthStart(layout: ClusterLayout, periods: readonly number[]): SqlExpr {
  const at = (i: number) => param(layout.periods[i] ?? layout.periods[0] ?? '1970-01-01T00:00:00.000Z', 'timestamp');
  if (periods.length === 0) return at(0);
  return concat([raw('CASE'), ...periods.flatMap((i) => [raw(` WHEN ${HI} = ${i} THEN `), at(i)]), raw(' END')]);
}

/**
 * The moments' statement over a rollup of moments (moments.ts), answering as the rows' statement
 * does: per group (and month), each count's sum, the clusters with rows, Σ of each pair's product
 * and the clusters above 0, over the range's months s…e — sums on the diagonal, products of pairs
 * of months inside the range, clusters resuming inside it after a month before it (or none).
 */
function momentsReadSql(plan: QueryPlan, keys: readonly Selection[], moments: ClusterMoments, match: ClusteredMatch, aliases: MomentAliases): SelectNode {
  const { layout, use } = match;
  const rollup = use.rollup;
  const dimensionColumn = (path: string): string => layout.dimensions[rollup.dimensions.indexOf(path)] ?? path;
  const scope: PredicateScope = { member: (ref) => id(dimensionColumn(ref.path)), segment: () => raw('1 = 0'), measureFilters: () => null };
  const filters = conjuncts(plan.where).filter((p) => !(p.kind === 'condition' && p.member.path === rollup.timeDimension));
  const dimensions = keys.filter((k) => !(k.member.path === rollup.timeDimension && k.granularity !== null));
  const time = keys.find((k) => k.member.path === rollup.timeDimension && k.granularity !== null);
  const index = (path: string) => rollup.measures.indexOf(path);
  const periods = match.periods;
  const [s = 0, e = -1] = [periods[0], periods[periods.length - 1]];
  // By month each group's range is its own month: everything resuming in it started before it.
  const cell = (column: string, when: string | null) => sum(when === null ? id(column) : concat([raw(`CASE WHEN ${when} THEN `), id(column), raw(' END')]));
  const diagonal = `${LO} = ${HI}`;
  const resumed = time ? null : `${LO} < ${s}`;
  const inside = time ? diagonal : `${LO} >= ${s}`;
  const clusters = cell(STARTS, resumed);
  const columns: SelectColumn[] = [
    ...dimensions.map((k) => ({ expr: id(dimensionColumn(k.member.path)), alias: k.alias })),
    ...(time ? [{ expr: monthStart(layout, periods), alias: time.alias }] : []),
    ...plan.measures.map((m, i) => ({ expr: match.stored.includes(m) ? cell(sumColumn(index(m.member.path)), diagonal) : raw('NULL'), alias: aliases.sum(i) })),
    { expr: clusters, alias: aliases.clusters },
    ...moments.products.map(([a, b], i) => ({ expr: cell(productColumn(index(a), index(b)), inside), alias: aliases.product(i) })),
    ...moments.positive.map((m, i) => ({ expr: cell(positiveColumn(index(m)), resumed), alias: aliases.positive(i) })),
  ];
  const inRange = periods.length === 0 ? raw('1 = 0') : raw(`${HI} >= ${s} AND ${HI} <= ${e}`);
  const keyCount = dimensions.length + (time ? 1 : 0);
  return select({
    columns,
    from: { kind: 'table', table: use.stored.table, alias: 'rollup' },
    where: logical('AND', [inRange, ...filters.map((p) => predicateExpr(p, scope))]),
    groupBy: Array.from({ length: keyCount }, (_, i) => i + 1),
    // A group is one the rows have: some cluster had rows in it (a read without keys is one row, as over the rows).
    having: keyCount > 0 ? { kind: 'compare', op: '>', left: clusters, right: raw('0') } : null,
    orderBy: Array.from({ length: keyCount }, (_, i) => ({ position: i + 1, desc: false })),
    limit: plan.limit,
    offset: plan.offset || null,
  });
}
