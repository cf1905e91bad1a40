// Tests for filter-sql.ts operator by operator (added for mutation testing, bench/mutation-report.md):
// Cube's semantics for each filter operator, nulls included, as the WHERE text DuckDB gets and
// the parameters bound. The expected text is written by hand from the operator's meaning and the
// compiler's printing rules (each condition parenthesised, each item of AND/OR parenthesised,
// `$n` placeholders, timestamps cast, LIKE with an ESCAPE clause on DuckDB).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FilterOperator } from '../query/index.js';
import type { MemberRef, Predicate } from '../query/plan.js';
import { InternalError } from '../core/errors.js';
import { duckdbDialect, compileSql } from './index.js';
import { predicateExpr, type PredicateScope } from './filter-sql.js';
import { raw, select, type SqlExpr } from './nodes.js';

const member = (name: string, type: MemberRef['type'], memberType: MemberRef['memberType'] = 'dimension'): MemberRef => ({
  kind: 'member', path: `C.${name}`, cube: 'C', name, memberType, type,
});
const S = member('s', 'string');
const N = member('n', 'number');
const T = member('t', 'time');
const B = member('b', 'boolean');
const M = member('m', 'count', 'measure');

const scope: PredicateScope = {
  member: (ref) => raw(ref.name),
  segment: (ref) => raw(`segment_${ref.name}`),
  measureFilters: (ref) => (ref.name === 'm' ? raw('m_filter') : null),
};

const cond = (m: MemberRef, operator: string, values: (string | number | boolean | null)[]): Predicate =>
  ({ kind: 'condition', member: m, operator: operator as FilterOperator, values });

/** The WHERE text (without `WHERE `) and the bound values DuckDB gets for a predicate. */
function where(p: Predicate): { sql: string; params: readonly unknown[] } {
  const got = compileSql(duckdbDialect, select({ columns: [{ expr: raw('1'), alias: 'x' }], from: { kind: 'table', table: 't', alias: 't' }, where: predicateExpr(p, scope) }));
  const line = got.sql.split('\n').find((l) => l.startsWith('WHERE ')) ?? '';
  return { sql: line.slice('WHERE '.length), params: got.params };
}

test('equals / in: one value compares, several make a list, null adds IS NULL, only null is IS NULL', () => {
  assert.deepEqual(where(cond(S, 'equals', ['a'])), { sql: '(s = $1)', params: ['a'] });
  assert.deepEqual(where(cond(S, 'equals', ['a', null])), { sql: '((s = $1) OR (s IS NULL))', params: ['a'] });
  assert.deepEqual(where(cond(S, 'equals', [null])), { sql: '(s IS NULL)', params: [] });
  assert.deepEqual(where(cond(S, 'equals', ['a', 'b'])), { sql: '(s IN ($1, $2))', params: ['a', 'b'] });
  assert.deepEqual(where(cond(S, 'in', ['a'])), { sql: '(s IN ($1))', params: ['a'] });
  assert.deepEqual(where(cond(S, 'in', ['a', null])), { sql: '((s IN ($1)) OR (s IS NULL))', params: ['a'] });
});

test('notEquals / notIn: rows without a value are kept unless null is among the values', () => {
  assert.deepEqual(where(cond(S, 'notEquals', ['a'])), { sql: '((s <> $1) OR (s IS NULL))', params: ['a'] });
  assert.deepEqual(where(cond(S, 'notEquals', ['a', null])), { sql: '(s <> $1)', params: ['a'] });
  assert.deepEqual(where(cond(S, 'notEquals', [null])), { sql: '(s IS NOT NULL)', params: [] });
  assert.deepEqual(where(cond(S, 'notEquals', ['a', 'b'])), { sql: '((s NOT IN ($1, $2)) OR (s IS NULL))', params: ['a', 'b'] });
  assert.deepEqual(where(cond(S, 'notIn', ['a'])), { sql: '((s NOT IN ($1)) OR (s IS NULL))', params: ['a'] });
  assert.deepEqual(where(cond(S, 'notIn', ['a', 'b', null])), { sql: '(s NOT IN ($1, $2))', params: ['a', 'b'] });
});

test('contains / startsWith / endsWith: any value matches; wildcards in values are escaped', () => {
  assert.deepEqual(where(cond(S, 'contains', ['5%_\\'])), { sql: "(s ILIKE '%' || $1 || '%' ESCAPE '\\')", params: ['5\\%\\_\\\\'] });
  assert.deepEqual(where(cond(S, 'startsWith', ['a', 'b'])), {
    sql: "((s ILIKE $1 || '%' ESCAPE '\\') OR (s ILIKE $2 || '%' ESCAPE '\\'))",
    params: ['a', 'b'],
  });
  assert.deepEqual(where(cond(S, 'endsWith', ['a', null])), { sql: "((s ILIKE '%' || $1 ESCAPE '\\') OR (s IS NULL))", params: ['a'] });
});

test('notContains / notStartsWith / notEndsWith: no value may match; rows without a value are kept', () => {
  assert.deepEqual(where(cond(S, 'notContains', ['a', 'b'])), {
    sql: "(((s NOT ILIKE '%' || $1 || '%' ESCAPE '\\') AND (s NOT ILIKE '%' || $2 || '%' ESCAPE '\\')) OR (s IS NULL))",
    params: ['a', 'b'],
  });
  assert.deepEqual(where(cond(S, 'notStartsWith', ['a', null])), { sql: "(s NOT ILIKE $1 || '%' ESCAPE '\\')", params: ['a'] });
  assert.deepEqual(where(cond(S, 'notEndsWith', ['a'])), { sql: "((s NOT ILIKE '%' || $1 ESCAPE '\\') OR (s IS NULL))", params: ['a'] });
});

test('gt / gte / lt / lte compare with the first value; set / notSet test for null', () => {
  assert.deepEqual(where(cond(N, 'gt', [5])), { sql: '(n > $1)', params: [5] });
  assert.deepEqual(where(cond(N, 'gte', [5])), { sql: '(n >= $1)', params: [5] });
  assert.deepEqual(where(cond(N, 'lt', [5])), { sql: '(n < $1)', params: [5] });
  assert.deepEqual(where(cond(N, 'lte', [5])), { sql: '(n <= $1)', params: [5] });
  assert.deepEqual(where(cond(S, 'set', [])), { sql: '(s IS NOT NULL)', params: [] });
  assert.deepEqual(where(cond(S, 'notSet', [])), { sql: '(s IS NULL)', params: [] });
});

test('date ranges: both ends inclusive (the end widened to its last microsecond); notInDateRange outside them', () => {
  const from = '2025-01-01T00:00:00.000Z';
  const to = '2025-01-31T23:59:59.999Z';
  const toWide = '2025-01-31T23:59:59.999999Z';
  const ts = (i: number) => `CAST($${i} AS TIMESTAMP)`;
  assert.deepEqual(where(cond(T, 'inDateRange', [from, to])), { sql: `((t >= ${ts(1)}) AND (t <= ${ts(2)}))`, params: [from, toWide] });
  assert.deepEqual(where(cond(T, 'onTheDate', [from, to])), { sql: `((t >= ${ts(1)}) AND (t <= ${ts(2)}))`, params: [from, toWide] });
  assert.deepEqual(where(cond(T, 'notInDateRange', [from, to])), { sql: `((t < ${ts(1)}) OR (t > ${ts(2)}))`, params: [from, toWide] });
  assert.deepEqual(where(cond(T, 'beforeDate', [from])), { sql: `(t < ${ts(1)})`, params: [from] });
  assert.deepEqual(where(cond(T, 'beforeOrOnDate', [to])), { sql: `(t <= ${ts(1)})`, params: [toWide] });
  assert.deepEqual(where(cond(T, 'afterDate', [to])), { sql: `(t > ${ts(1)})`, params: [toWide] });
  assert.deepEqual(where(cond(T, 'afterOrOnDate', [from])), { sql: `(t >= ${ts(1)})`, params: [from] });
});

test('measureFilter applies the measure\'s own filters, or nothing', () => {
  assert.deepEqual(where(cond(M, 'measureFilter', [])), { sql: '(m_filter)', params: [] });
  assert.deepEqual(where(cond(member('other', 'count', 'measure'), 'measureFilter', [])), { sql: '(1 = 1)', params: [] });
});

test('AND / OR trees and segments', () => {
  const tree: Predicate = { kind: 'or', items: [cond(S, 'equals', ['a']), { kind: 'and', items: [{ kind: 'segment', member: member('big', 'segment', 'segment') }, cond(N, 'gt', [1])] }] };
  assert.deepEqual(where(tree), { sql: '((s = $1)) OR ((segment_big) AND ((n > $2)))', params: ['a', 1] });
  assert.deepEqual(where({ kind: 'and', items: [] }), { sql: '1 = 1', params: [] });
  assert.deepEqual(where({ kind: 'or', items: [] }), { sql: '1 = 0', params: [] });
});

test('values are bound with their member\'s type: time as timestamp, measures and numbers as number, booleans as boolean', () => {
  const param = (p: Predicate): SqlExpr | undefined => {
    const e = predicateExpr(p, scope);
    const inner = e.kind === 'paren' ? e.expr : e;
    return inner.kind === 'compare' ? inner.right : undefined;
  };
  assert.deepEqual(param(cond(T, 'equals', ['2025-01-01T00:00:00.000Z'])), { kind: 'param', value: '2025-01-01T00:00:00.000Z', type: 'timestamp' });
  assert.deepEqual(param(cond(N, 'equals', [3])), { kind: 'param', value: 3, type: 'number' });
  assert.deepEqual(param(cond(M, 'gt', [3])), { kind: 'param', value: 3, type: 'number' });
  assert.deepEqual(param(cond(B, 'equals', [true])), { kind: 'param', value: true, type: 'boolean' });
  assert.deepEqual(param(cond(S, 'equals', ['x'])), { kind: 'param', value: 'x', type: 'text' });
  // A LIKE pattern is always text, whatever the member.
  const like = predicateExpr(cond(N, 'contains', [12]), scope);
  assert.equal(like.kind === 'paren' && like.expr.kind === 'like' && like.expr.value.kind === 'param' ? like.expr.value.type : undefined, 'text');
});

test('an operator without the values it needs is a bug, said as such', () => {
  assert.throws(() => predicateExpr(cond(N, 'gt', []), scope), (e: unknown) => e instanceof InternalError && /gt without a value/.test(e.message));
  assert.throws(() => predicateExpr(cond(T, 'inDateRange', ['2025-01-01T00:00:00.000Z']), scope), (e: unknown) => e instanceof InternalError && /inDateRange needs two bounds/.test(e.message));
});
