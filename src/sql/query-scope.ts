import { UprateError } from '../core/errors.js';
import type { Model } from '../model/index.js';
import type { QueryPlan, Selection } from '../query/plan.js';
import { predicateExpr, type PredicateScope } from './filter-sql.js';
import { buildJoinTree, multipliedCubes, type JoinTree } from './join-tree.js';
import { aggregatesInline, leafAggregate, leafMeasures, measureDef, measureExpr, type AggregationMode } from './measure-sql.js';
import { cubeOf, cubeSource, dimensionExpr, memberCubes, segmentExpr, templateExpr, type RenderScope } from './member-sql.js';
import { logical, paren, param, type FromItem, type JoinItem, type OrderByItem, type SelectColumn, type SqlExpr } from './nodes.js';
import type { Predicate } from '../query/plan.js';

/** Where a leaf measure is aggregated: with the joined rows, or per key of a repeated cube. */
export interface Leaf {
  readonly path: string;
  readonly alias: string;
  /** `main`, or the name of the multiplied cube whose per-key subquery computes it. */
  readonly group: string;
  readonly mode: AggregationMode;
}

/** What the statement builders share: the join tree, the fan-out analysis, renderers. */
export interface QueryScope {
  readonly model: Model;
  readonly plan: QueryPlan;
  readonly tree: JoinTree;
  readonly multiplied: ReadonlySet<string>;
  readonly leaves: readonly Leaf[];
  readonly render: RenderScope;
}

function predicateMembers(p: Predicate | null): string[] {
  if (!p) return [];
  if ('items' in p) return p.items.flatMap(predicateMembers);
  return [p.member.path];
}

/** The column a leaf measure is aggregated into (`m__Offers__count`). */
export const leafAlias = (path: string) => `m__${path.replace('.', '__')}`;

/** Cubes in query order, then the cubes their SQL reaches. */
function queryCubes(model: Model, plan: QueryPlan): string[] {
  const members = [
    ...plan.measures.map((s) => s.member.path),
    ...plan.dimensions.map((s) => s.member.path),
    ...plan.timeDimensions.map((s) => s.member.path),
    ...predicateMembers(plan.where),
    ...predicateMembers(plan.having),
  ];
  const out = new Set<string>(members.map((m) => m.split('.')[0] ?? ''));
  for (const m of members) memberCubes(model, m).forEach((c) => out.add(c));
  return [...out];
}

function chooseLeaf(model: Model, path: string, multiplied: ReadonlySet<string>): Leaf {
  const m = measureDef(model, path);
  const alias = leafAlias(path);
  if (!multiplied.has(m.cube)) return { path, alias, group: 'main', mode: 'plain' };
  if (m.type === 'count_distinct' || m.type === 'count_distinct_approx' || m.type === 'min' || m.type === 'max') {
    return { path, alias, group: 'main', mode: 'plain' };
  }
  const cannot = (why: string) =>
    new UprateError('QUERY_INVALID', `${path} cannot be computed without double counting: ${why}`, {
      hint: 'query it without the members of the joined cube that repeat its rows, or define it from its own cube\'s columns only',
      location: path,
    });
  if (aggregatesInline(m)) throw cannot('it is a number measure that aggregates columns itself, and this query repeats its rows');
  const cube = cubeOf(model, m.cube);
  if (m.type === 'count' && cube.primaryKeys.length === 1) return { path, alias, group: 'main', mode: 'distinctKey' };
  const foreign = [...memberCubes(model, path)].filter((c) => c !== m.cube);
  if (foreign.length > 0) throw cannot(`its SQL uses ${foreign.join(', ')}`);
  return { path, alias, group: m.cube, mode: 'perKey' };
}

export function buildQueryScope(model: Model, plan: QueryPlan): QueryScope {
  const tree = buildJoinTree(model, queryCubes(model, plan));
  const multiplied = plan.ungrouped ? new Set<string>() : multipliedCubes(tree);
  const paths = [...plan.measures.map((s) => s.member.path), ...predicateMembers(plan.having)];
  const leafPaths = [...new Set(paths.flatMap((p) => leafMeasures(model, p)))];
  const leaves = leafPaths.map((p) => chooseLeaf(model, p, multiplied));
  const render: RenderScope = { model, now: plan.now, measure: (p) => paren(leafAggregate(render, measureDef(model, p), 'plain')) };
  return { model, plan, tree, multiplied, leaves, render };
}

/** FROM the root cube, LEFT JOIN along the tree; a joined cube read through the equalities of `where` (the query's own filters unless given). */
export function joinedSources(scope: QueryScope, where: Predicate | null = scope.plan.where): { from: FromItem; joins: JoinItem[] } {
  const r = scope.render;
  return {
    from: cubeSource(r, scope.tree.root),
    joins: scope.tree.edges.map((e) => {
      const narrowing = e.relationship === 'many_to_one' ? narrowingOf(scope, e.to, where) : null;
      return { kind: 'join', type: 'LEFT', item: cubeSource(r, e.to), on: templateExpr(e.sql, r), ...(narrowing ? { narrowing } : {}) };
    }),
  };
}

/** The conditions ANDed at the top of a predicate (nested ANDs flattened). */
export const conjuncts = (p: Predicate | null): Predicate[] => (p === null ? [] : p.kind === 'and' ? p.items.flatMap(conjuncts) : [p]);

/**
 * The conditions of the statement's WHERE (`where`) that a joined cube's rows alone decide and
 * that an unmatched row (its columns NULL — or, on ClickHouse, '' for a string the views do not
 * make Nullable) never meets: a string dimension of that cube equal to one of some non-empty
 * values. Null when there is none.
 */
function narrowingOf(scope: QueryScope, cube: string, where: Predicate | null): SqlExpr | null {
  const own = conjuncts(where).filter((p): p is Extract<Predicate, { kind: 'condition' }> => {
    if (p.kind !== 'condition' || p.operator !== 'equals' || p.member.memberType !== 'dimension' || p.member.type !== 'string') return false;
    if (p.values.length === 0 || !p.values.every((v) => typeof v === 'string' && v !== '')) return false;
    const cubes = memberCubes(scope.model, p.member.path);
    return cubes.size === 1 && cubes.has(cube);
  });
  if (own.length === 0) return null;
  const rows = rowPredicateScope(scope);
  return logical('AND', own.map((p) => predicateExpr(p, rows)));
}

/** A selected dimension or time dimension (truncated in the query time zone). */
export function selectionExpr(scope: QueryScope, s: Selection): SqlExpr {
  const raw = dimensionExpr(scope.render, s.member.cube, s.member.name);
  if (s.granularity === null) return raw;
  const tz = scope.plan.timezone;
  const local: SqlExpr = tz === 'UTC' ? raw : { kind: 'localTime', expr: raw, timezone: param(tz, 'text', 'timezone') };
  return { kind: 'truncate', unit: s.granularity, expr: local };
}

/** Row filters: dimensions as SQL, segments, measure filters of `measureFilter`. */
export function rowPredicateScope(scope: QueryScope): PredicateScope {
  const r = scope.render;
  return {
    member: (ref) => dimensionExpr(r, ref.cube, ref.name),
    segment: (ref) => segmentExpr(r, ref.cube, ref.name),
    measureFilters: (ref) => logical('AND', measureDef(scope.model, ref.path).filters.map((f) => paren(templateExpr(f, r)))),
  };
}

/** Measure filters (HAVING) with measures rendered by `leaf`. */
export function measurePredicateScope(scope: QueryScope, leaf: (path: string) => SqlExpr): PredicateScope {
  const rows = rowPredicateScope(scope);
  return { ...rows, member: (ref) => (ref.memberType === 'measure' ? measureExpr(scope.model, ref.path, leaf, scope.render) : rows.member(ref)) };
}

/** The aggregate of a leaf in its group's scope. */
export function leafExpr(scope: QueryScope, leaf: Leaf): SqlExpr {
  return leafAggregate(scope.render, measureDef(scope.model, leaf.path), scope.plan.ungrouped ? 'row' : leaf.mode);
}

/** Dimensions, then time dimensions: Cube's column order (measures follow). */
export function keySelections(plan: QueryPlan): Selection[] {
  return [...plan.dimensions, ...plan.timeDimensions];
}

/** ORDER BY positions of the ordered aliases. */
export function orderBy(plan: QueryPlan, columns: readonly SelectColumn[]): OrderByItem[] {
  return plan.order.flatMap((o) => {
    const i = columns.findIndex((c) => c.alias === o.alias);
    return i < 0 ? [] : [{ position: i + 1, desc: o.desc }];
  });
}
