import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DIALECTS, compileSql, duckdbDialect, postgresDialect, type Dialect } from './index.js';
import { param, raw, select, type SqlExpr } from './nodes.js';

// The compiler's own rules, per dialect: placeholders, shared parameters, casts, quoting.
const one = (dialect: Dialect, expr: SqlExpr, limit: number | null = null) =>
  compileSql(dialect, select({ columns: [{ expr, alias: 'x"y' }], from: { kind: 'table', table: 't', alias: 't' }, limit }));

test('the dialect registry is not empty', () => {
  assert.ok(DIALECTS.length >= 2);
});

for (const dialect of DIALECTS) {
  test(`${dialect.name}: shared parameters get one placeholder, others one each`, () => {
    const now = param('2025-01-01T00:00:00.000Z', 'timestamp', 'now');
    const got = one(dialect, { kind: 'logical', op: 'AND', items: [{ kind: 'compare', op: '<', left: raw('a'), right: now }, { kind: 'compare', op: '<', left: raw('b'), right: now }, { kind: 'compare', op: '=', left: raw('c'), right: param('v', 'text') }] });
    assert.deepEqual(got.params, ['2025-01-01T00:00:00.000Z', 'v']);
    assert.equal((got.sql.match(/\$1/g) ?? []).length, 2);
    assert.match(got.sql, /"x""y"/, 'aliases are quoted, quotes doubled');
  });

  test(`${dialect.name}: an inclusive range end covers the last microsecond`, () => {
    const got = one(dialect, { kind: 'param', value: '2025-01-31T22:59:59.999Z', type: 'timestamp', rangeEnd: true });
    assert.deepEqual(got.params, [dialect.timestampPrecision === 6 ? '2025-01-31T22:59:59.999999Z' : '2025-01-31T22:59:59.999Z']);
  });

  test(`${dialect.name}: row counts must be whole numbers`, () => {
    assert.throws(() => one(dialect, raw('1'), 1.5));
    assert.throws(() => one(dialect, raw('1'), -1));
  });
}

test('count_distinct_approx: native on DuckDB, exact on PostgreSQL', () => {
  const expr: SqlExpr = { kind: 'aggregate', fn: 'countDistinctApprox', arg: raw('"t".id') };
  assert.match(one(duckdbDialect, expr).sql, /approx_count_distinct\("t"\.id\)/);
  assert.match(one(postgresDialect, expr).sql, /count\(DISTINCT "t"\.id\)/);
});

test('LIKE spells its escape character where the engine has no default', () => {
  const like: SqlExpr = { kind: 'like', expr: raw('name'), value: param('50\\%', 'text'), match: 'starts', negated: true };
  assert.equal(one(duckdbDialect, like).sql.split('\n')[1], `  name NOT ILIKE $1 || '%' ESCAPE '\\' "x""y"`);
  assert.equal(one(postgresDialect, like).sql.split('\n')[1], `  name NOT ILIKE $1::text || '%' "x""y"`);
});
