// Tests for nodes.ts (added for mutation testing, bench/mutation-report.md): the node builders
// keep SQL free of redundant wrapping — an expression already in parentheses is not wrapped
// again, a single part needs no concatenation, AND/OR of one item is that item — and a SELECT
// starts from the plain defaults.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileSql, duckdbDialect } from './index.js';
import { concat, logical, paren, raw, select, type SqlExpr } from './nodes.js';

const printed = (expr: SqlExpr) => compileSql(duckdbDialect, select({ columns: [{ expr, alias: 'x' }], from: { kind: 'table', table: 't', alias: 't' } })).sql.split('\n')[1];

test('parentheses once: wrapping a parenthesised expression again changes nothing', () => {
  const once = paren(raw('a + b'));
  assert.equal(paren(once), once);
  assert.equal(printed(paren(paren(raw('a + b')))), '  (a + b) "x"');
  assert.equal(printed(paren(concat([paren(raw('a'))]))), '  (a) "x"');
});

test('a single part is itself; several are joined as they are', () => {
  const a = paren(raw('a'));
  assert.equal(concat([a]), a);
  assert.deepEqual(concat([raw('f('), a, raw(')')]), { kind: 'concat', parts: [raw('f('), a, raw(')')] });
  assert.equal(printed(concat([raw('f('), a, raw(')')])), '  f((a)) "x"');
});

test('AND / OR of nothing is nothing, of one item that item', () => {
  assert.equal(logical('AND', []), null);
  assert.deepEqual(logical('OR', [raw('a')]), raw('a'));
  assert.equal(printed(logical('OR', [raw('a'), raw('b')]) ?? raw('')), '  (a) OR (b) "x"');
});

test('a SELECT starts plain: not distinct, no joins, filters, grouping, order or paging', () => {
  const from = { kind: 'table' as const, table: 't', alias: 't' };
  assert.deepEqual(select({ columns: [], from }), { kind: 'select', distinct: false, columns: [], from, joins: [], where: null, groupBy: [], having: null, orderBy: [], limit: null, offset: null });
});
