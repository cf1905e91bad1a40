import type { MacroName } from '../model/index.js';
import type { Granularity } from '../query/cube-query.js';
import type { SqlValue } from '../store/store.js';

/**
 * SQL as immutable, `kind`-tagged nodes. The planner builds them without knowing the engine;
 * the compiler (sql-compiler.ts) prints them with one visitor per kind and a dialect's hooks.
 * User values only ever appear in `param` nodes, which print as placeholders.
 */
export type ParamType = 'timestamp' | 'text' | 'number' | 'boolean';

export type SqlExpr =
  /** SQL text written by the model author or by uprate itself, never by a query. */
  | { readonly kind: 'raw'; readonly text: string }
  /** `shared`: one placeholder for every use (the clock, the time zone); `rangeEnd`: an inclusive upper bound. */
  | { readonly kind: 'param'; readonly value: SqlValue; readonly type: ParamType; readonly shared?: string; readonly rangeEnd?: boolean }
  | { readonly kind: 'identifier'; readonly name: string }
  | { readonly kind: 'column'; readonly table: string; readonly name: string }
  /** Juxtaposition of parts, as in a template. */
  | { readonly kind: 'concat'; readonly parts: readonly SqlExpr[] }
  | { readonly kind: 'paren'; readonly expr: SqlExpr }
  | { readonly kind: 'macro'; readonly name: MacroName; readonly args: readonly (SqlExpr | number)[] }
  /** A UTC timestamp as wall time in a time zone (a text param). */
  | { readonly kind: 'localTime'; readonly expr: SqlExpr; readonly timezone: SqlExpr }
  | { readonly kind: 'truncate'; readonly unit: Granularity; readonly expr: SqlExpr }
  | {
      readonly kind: 'aggregate';
      readonly fn: 'count' | 'sum' | 'avg' | 'min' | 'max' | 'countDistinct' | 'countDistinctApprox';
      /** Absent: `count(*)`. */
      readonly arg: SqlExpr | null;
    }
  | { readonly kind: 'caseWhen'; readonly when: SqlExpr; readonly then: SqlExpr; readonly otherwise: SqlExpr | null }
  | { readonly kind: 'logical'; readonly op: 'AND' | 'OR'; readonly items: readonly SqlExpr[] }
  | { readonly kind: 'compare'; readonly op: '=' | '<>' | '<' | '<=' | '>' | '>='; readonly left: SqlExpr; readonly right: SqlExpr }
  | { readonly kind: 'nullSafeEquals'; readonly left: SqlExpr; readonly right: SqlExpr }
  | { readonly kind: 'isNull'; readonly expr: SqlExpr; readonly negated: boolean }
  | { readonly kind: 'inList'; readonly expr: SqlExpr; readonly values: readonly SqlExpr[]; readonly negated: boolean }
  | { readonly kind: 'like'; readonly expr: SqlExpr; readonly value: SqlExpr; readonly match: 'contains' | 'starts' | 'ends'; readonly negated: boolean };

export interface SelectColumn {
  readonly expr: SqlExpr;
  readonly alias: string;
}

export type FromItem =
  | { readonly kind: 'table'; readonly table: string; readonly alias: string }
  | { readonly kind: 'sqlSource'; readonly sql: SqlExpr; readonly alias: string }
  | { readonly kind: 'subquery'; readonly query: SelectNode; readonly alias: string }
  /** `(q1 UNION ALL q2 …) AS alias`: the parts' columns match by position. */
  | { readonly kind: 'unionAll'; readonly queries: readonly SelectNode[]; readonly alias: string };

export interface JoinItem {
  readonly kind: 'join';
  readonly type: 'LEFT' | 'INNER' | 'CROSS';
  readonly item: FromItem;
  readonly on: SqlExpr | null;
  /**
   * Conditions on the joined source alone that the statement's WHERE also applies, and that no
   * unmatched row can meet: reading the source through them (`JOIN (SELECT * FROM t AS a WHERE …) AS a`)
   * gives the same answer. Only a dialect that `narrowsJoins` writes them.
   */
  readonly narrowing?: SqlExpr | null;
}

export interface OrderByItem {
  /** 1-based position in the select list. */
  readonly position: number;
  readonly desc: boolean;
}

export interface SelectNode {
  readonly kind: 'select';
  readonly distinct: boolean;
  readonly columns: readonly SelectColumn[];
  readonly from: FromItem;
  readonly joins: readonly JoinItem[];
  readonly where: SqlExpr | null;
  /** 1-based positions. */
  readonly groupBy: readonly number[];
  readonly having: SqlExpr | null;
  readonly orderBy: readonly OrderByItem[];
  readonly limit: number | null;
  readonly offset: number | null;
}

export const raw = (text: string): SqlExpr => ({ kind: 'raw', text });
export const param = (value: SqlValue, type: ParamType, shared?: string): SqlExpr =>
  shared === undefined ? { kind: 'param', value, type } : { kind: 'param', value, type, shared };
export const identifier = (name: string): SqlExpr => ({ kind: 'identifier', name });
export const column = (table: string, name: string): SqlExpr => ({ kind: 'column', table, name });
export const paren = (expr: SqlExpr): SqlExpr => (expr.kind === 'paren' ? expr : { kind: 'paren', expr });
export const concat = (parts: readonly SqlExpr[]): SqlExpr => (parts.length === 1 && parts[0] ? parts[0] : { kind: 'concat', parts });

export function logical(op: 'AND' | 'OR', items: readonly SqlExpr[]): SqlExpr | null {
  if (items.length === 0) return null;
  if (items.length === 1) return items[0] ?? null;
  return { kind: 'logical', op, items };
}

export function select(parts: Partial<SelectNode> & Pick<SelectNode, 'columns' | 'from'>): SelectNode {
  return { kind: 'select', distinct: false, joins: [], where: null, groupBy: [], having: null, orderBy: [], limit: null, offset: null, ...parts };
}
