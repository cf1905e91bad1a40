import type { Model } from '../model/index.js';
import type { QueryPlan, Selection } from '../query/plan.js';
import { predicateExpr } from './filter-sql.js';
import { buildFanOutSelect } from './fan-out.js';
import { measureExpr } from './measure-sql.js';
import { logical, raw, select, type SelectColumn, type SelectNode, type SqlExpr } from './nodes.js';
import {
  buildQueryScope,
  joinedSources,
  keySelections,
  leafExpr,
  measurePredicateScope,
  orderBy,
  rowPredicateScope,
  selectionExpr,
  type QueryScope,
} from './query-scope.js';

/** The statement for a plan, and the one counting its rows when the query asks for `total`. */
export interface PlannedSql {
  readonly query: SelectNode;
  readonly total: SelectNode | null;
  /** Column alias → result key (`offers__offered_at_month` → `Offers.offeredAt.month`). */
  readonly aliases: ReadonlyMap<string, Selection>;
}

/** Every leaf aggregated with the joined rows: one SELECT … GROUP BY … HAVING. */
function buildSingleSelect(scope: QueryScope): SelectNode {
  const { plan, model } = scope;
  const keys = keySelections(plan);
  const byPath = new Map(scope.leaves.map((l) => [l.path, leafExpr(scope, l)]));
  const leaf = (path: string): SqlExpr => byPath.get(path) ?? raw('NULL');
  const columns: SelectColumn[] = [
    ...keys.map((s) => ({ expr: selectionExpr(scope, s), alias: s.alias })),
    ...plan.measures.map((s) => ({ expr: measureExpr(model, s.member.path, leaf, scope.render), alias: s.alias })),
  ];
  const where = plan.where ? predicateExpr(plan.where, rowPredicateScope(scope)) : null;
  const having = plan.having ? predicateExpr(plan.having, measurePredicateScope(scope, leaf)) : null;
  const grouped = !plan.ungrouped;
  return select({
    ...joinedSources(scope),
    columns,
    where: grouped ? where : logical('AND', [where, having].filter((x): x is SqlExpr => x !== null)),
    groupBy: grouped ? keys.map((_, i) => i + 1) : [],
    having: grouped ? having : null,
    orderBy: orderBy(plan, columns),
    limit: plan.limit,
    offset: plan.offset || null,
  });
}

/** The statement counting a query's rows, ignoring its order, limit and offset (`total: true`). */
export function totalSelect(query: SelectNode): SelectNode {
  return select({
    columns: [{ expr: raw('count(*)'), alias: 'total' }],
    from: { kind: 'subquery', query: { ...query, orderBy: [], limit: null, offset: null }, alias: 'total_query' },
  });
}

/**
 * Plan → SQL nodes (engine-neutral). Measures of cubes whose rows the joins repeat are
 * aggregated per primary key in subqueries (see fan-out.ts), so a sum over the one side of a
 * one-to-many join is never multiplied.
 */
export function planToSql(model: Model, plan: QueryPlan): PlannedSql {
  const scope = buildQueryScope(model, plan);
  const fanOut = scope.leaves.some((l) => l.group !== 'main');
  const query = fanOut ? buildFanOutSelect(scope) : buildSingleSelect(scope);
  const total = plan.total ? totalSelect(query) : null;
  const aliases = new Map([...keySelections(plan), ...plan.measures].map((s) => [s.alias, s]));
  return { query, total, aliases };
}
