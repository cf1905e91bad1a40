import { InternalError } from '../core/errors.js';
import type { MemberRef, Predicate } from '../query/plan.js';
import { logical, paren, param, raw, type ParamType, type SqlExpr } from './nodes.js';

/** How a predicate's members are rendered where it is applied. */
export interface PredicateScope {
  /** A dimension (UTC for time) or, in HAVING, a measure. */
  readonly member: (ref: MemberRef) => SqlExpr;
  readonly segment: (ref: MemberRef) => SqlExpr;
  /** A measure's own `filters`, ANDed (the `measureFilter` operator). */
  readonly measureFilters: (ref: MemberRef) => SqlExpr | null;
}

type Condition = Extract<Predicate, { kind: 'condition' }>;

function paramType(ref: MemberRef): ParamType {
  if (ref.type === 'time') return 'timestamp';
  if (ref.memberType === 'measure' || ref.type === 'number') return 'number';
  return ref.type === 'boolean' ? 'boolean' : 'text';
}

/** Cube escapes LIKE wildcards in values: `50%` matches the text `50%`. */
function escapeLike(v: string): string {
  return v.replace(/([\\_%])/g, '\\$1');
}

const or = (items: SqlExpr[]) => logical('OR', items) ?? raw('1 = 0');
const and = (items: SqlExpr[]) => logical('AND', items) ?? raw('1 = 1');
const isNull = (expr: SqlExpr, negated = false): SqlExpr => ({ kind: 'isNull', expr, negated });

/** Cube's semantics per operator (BaseFilter), with every value bound as a parameter. */
function conditionExpr(c: Condition, scope: PredicateScope): SqlExpr {
  if (c.operator === 'measureFilter') return scope.measureFilters(c.member) ?? raw('1 = 1');
  const col = scope.member(c.member);
  const type = paramType(c.member);
  const hasNull = c.values.includes(null);
  const values = c.values.filter((v) => v !== null);
  const p = (v: string | number | boolean, end = false): SqlExpr => (end ? { kind: 'param', value: v, type, rangeEnd: true } : param(v, type));
  const first = (): SqlExpr => {
    const v = values[0];
    if (v === undefined) throw new InternalError(`${c.operator} without a value`);
    return p(v);
  };
  const inList = (negated: boolean): SqlExpr => ({ kind: 'inList', expr: col, values: values.map((v) => p(v)), negated });
  const orNull = (e: SqlExpr, add: boolean): SqlExpr => (add ? or([e, isNull(col)]) : e);
  switch (c.operator) {
    case 'equals':
    case 'in':
      if (values.length === 0) return isNull(col);
      if (values.length === 1 && c.operator === 'equals') return orNull({ kind: 'compare', op: '=', left: col, right: first() }, hasNull);
      return orNull(inList(false), hasNull);
    case 'notEquals':
    case 'notIn':
      if (values.length === 0) return isNull(col, true);
      if (values.length === 1 && c.operator === 'notEquals') return orNull({ kind: 'compare', op: '<>', left: col, right: first() }, !hasNull);
      return orNull(inList(true), !hasNull);
    case 'contains':
    case 'startsWith':
    case 'endsWith':
    case 'notContains':
    case 'notStartsWith':
    case 'notEndsWith': {
      const negated = c.operator.startsWith('not');
      const match = c.operator.toLowerCase().includes('contains') ? 'contains' : c.operator.toLowerCase().includes('starts') ? 'starts' : 'ends';
      const likes = values.map((v): SqlExpr => ({ kind: 'like', expr: col, value: param(escapeLike(String(v)), 'text'), match, negated }));
      const combined = negated ? and(likes) : or(likes);
      return orNull(combined, negated ? !hasNull : hasNull);
    }
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte': {
      const op = ({ gt: '>', gte: '>=', lt: '<', lte: '<=' } as const)[c.operator];
      return { kind: 'compare', op, left: col, right: first() };
    }
    case 'set':
      return isNull(col, true);
    case 'notSet':
      return isNull(col);
    case 'inDateRange':
    case 'onTheDate':
    case 'notInDateRange': {
      const [from, to] = values;
      if (from === undefined || to === undefined) throw new InternalError(`${c.operator} needs two bounds`);
      if (c.operator === 'notInDateRange') return or([{ kind: 'compare', op: '<', left: col, right: p(from) }, { kind: 'compare', op: '>', left: col, right: p(to, true) }]);
      return and([{ kind: 'compare', op: '>=', left: col, right: p(from) }, { kind: 'compare', op: '<=', left: col, right: p(to, true) }]);
    }
    case 'beforeDate':
      return { kind: 'compare', op: '<', left: col, right: first() };
    case 'beforeOrOnDate':
      return { kind: 'compare', op: '<=', left: col, right: p(values[0] ?? '', true) };
    case 'afterDate':
      return { kind: 'compare', op: '>', left: col, right: p(values[0] ?? '', true) };
    case 'afterOrOnDate':
      return { kind: 'compare', op: '>=', left: col, right: first() };
  }
}

/** A predicate tree as SQL; each condition parenthesised. */
export function predicateExpr(p: Predicate, scope: PredicateScope): SqlExpr {
  switch (p.kind) {
    case 'and':
    case 'or':
      return (p.kind === 'and' ? and : or)(p.items.map((x) => predicateExpr(x, scope)));
    case 'segment':
      return scope.segment(p.member);
    case 'condition':
      return paren(conditionExpr(p, scope));
  }
}
