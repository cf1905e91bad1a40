import { predicateExpr } from './filter-sql.js';
import { measureExpr } from './measure-sql.js';
import { cubeOf, cubeSource, dimensionExpr } from './member-sql.js';
import { column, logical, raw, select, type JoinItem, type SelectColumn, type SelectNode, type SqlExpr } from './nodes.js';
import {
  joinedSources,
  keySelections,
  leafExpr,
  measurePredicateScope,
  orderBy,
  rowPredicateScope,
  selectionExpr,
  type Leaf,
  type QueryScope,
} from './query-scope.js';

const pkAlias = (i: number) => `__pk_${i}`;

/** The leaves aggregated over the joined rows, grouped by the query's dimensions. */
function mainSubquery(scope: QueryScope, leaves: readonly Leaf[]): SelectNode {
  const keys = keySelections(scope.plan);
  return select({
    ...joinedSources(scope),
    columns: [
      ...keys.map((s) => ({ expr: selectionExpr(scope, s), alias: s.alias })),
      ...leaves.map((l) => ({ expr: leafExpr(scope, l), alias: l.alias })),
    ],
    where: scope.plan.where ? predicateExpr(scope.plan.where, rowPredicateScope(scope)) : null,
    groupBy: keys.map((_, i) => i + 1),
  });
}

/**
 * The leaves of a cube whose rows the joins repeat: first the distinct (dimensions, primary key)
 * pairs of the filtered join, then that cube's rows joined back once per key and aggregated.
 */
function perKeySubquery(scope: QueryScope, cube: string, leaves: readonly Leaf[]): SelectNode {
  const keys = keySelections(scope.plan);
  const pks = cubeOf(scope.model, cube).primaryKeys.map((pk) => dimensionExpr(scope.render, cube, pk));
  const distinctKeys = select({
    ...joinedSources(scope),
    distinct: true,
    columns: [...keys.map((s) => ({ expr: selectionExpr(scope, s), alias: s.alias })), ...pks.map((expr, i) => ({ expr, alias: pkAlias(i) }))],
    where: scope.plan.where ? predicateExpr(scope.plan.where, rowPredicateScope(scope)) : null,
  });
  const on = logical('AND', pks.map((pk, i): SqlExpr => ({ kind: 'compare', op: '=', left: column('keys', pkAlias(i)), right: pk })));
  return select({
    columns: [...keys.map((s) => ({ expr: column('keys', s.alias), alias: s.alias })), ...leaves.map((l) => ({ expr: leafExpr(scope, l), alias: l.alias }))],
    from: { kind: 'subquery', query: distinctKeys, alias: 'keys' },
    joins: [{ kind: 'join', type: 'LEFT', item: cubeSource(scope.render, cube), on }],
    groupBy: keys.map((_, i) => i + 1),
  });
}

/** Subqueries (main first, then one per repeated cube) joined on the dimensions; measures on top. */
export function buildFanOutSelect(scope: QueryScope): SelectNode {
  const { plan, model } = scope;
  const groups = [...new Set(scope.leaves.map((l) => l.group))].sort((a, b) => (a === 'main' ? -1 : b === 'main' ? 1 : 0));
  const subqueries = groups.map((g, i) => {
    const leaves = scope.leaves.filter((l) => l.group === g);
    return { alias: `q_${i}`, leaves, query: g === 'main' ? mainSubquery(scope, leaves) : perKeySubquery(scope, g, leaves) };
  });
  const keys = keySelections(plan);
  const [base, ...rest] = subqueries;
  if (!base) throw new Error('fan-out without subqueries');
  const leafColumn = new Map(subqueries.flatMap((q) => q.leaves.map((l) => [l.path, column(q.alias, l.alias)] as const)));
  const leaf = (path: string): SqlExpr => leafColumn.get(path) ?? raw('NULL');
  const joins: JoinItem[] = rest.map((q) => ({
    kind: 'join',
    type: keys.length ? 'INNER' : 'CROSS',
    item: { kind: 'subquery', query: q.query, alias: q.alias },
    on: logical('AND', keys.map((s): SqlExpr => ({ kind: 'nullSafeEquals', left: column(base.alias, s.alias), right: column(q.alias, s.alias) }))),
  }));
  const columns: SelectColumn[] = [
    ...keys.map((s) => ({ expr: column(base.alias, s.alias), alias: s.alias })),
    ...plan.measures.map((s) => ({ expr: measureExpr(model, s.member.path, leaf, scope.render), alias: s.alias })),
  ];
  return select({
    columns,
    from: { kind: 'subquery', query: base.query, alias: base.alias },
    joins,
    where: plan.having ? predicateExpr(plan.having, measurePredicateScope(scope, leaf)) : null,
    orderBy: orderBy(plan, columns),
    limit: plan.limit,
    offset: plan.offset || null,
  });
}

