import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DIALECTS, clickhouseDialect, compileSql, duckdbDialect, postgresDialect, type Dialect } from './index.js';
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
    const first = dialect.castParam(dialect.placeholder(1), 'timestamp');
    assert.equal(got.sql.split(first).length - 1, 2);
    assert.ok(got.sql.includes(dialect.quoteIdentifier('x"y')), 'aliases are quoted');
    assert.notEqual(dialect.quoteIdentifier('x"y'), '"x"y"', 'a quote inside a name is escaped');
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

test('count_distinct_approx: native on DuckDB and ClickHouse, exact on PostgreSQL', () => {
  const expr: SqlExpr = { kind: 'aggregate', fn: 'countDistinctApprox', arg: raw('"t".id') };
  assert.match(one(duckdbDialect, expr).sql, /approx_count_distinct\("t"\.id\)/);
  assert.match(one(postgresDialect, expr).sql, /count\(DISTINCT "t"\.id\)/);
  // 0 over no value, as the others count it (18.16's uniq of a Nullable is NULL there).
  assert.match(one(clickhouseDialect, expr).sql, /ifNull\(uniqIf\("t"\.id, toString\("t"\.id\) != ''\), 0\)/);
});

test('LIKE spells its escape character where the engine has no default', () => {
  const like: SqlExpr = { kind: 'like', expr: raw('name'), value: param('50\\%', 'text'), match: 'starts', negated: true };
  assert.equal(one(duckdbDialect, like).sql.split('\n')[1], `  name NOT ILIKE $1 || '%' ESCAPE '\\' "x""y"`);
  assert.equal(one(postgresDialect, like).sql.split('\n')[1], `  name NOT ILIKE $1::text || '%' "x""y"`);
  // ClickHouse 18.16 has no ILIKE; its LIKE takes backslash escapes by default.
  assert.equal(one(clickhouseDialect, like).sql.split('\n')[1], `  lowerUTF8(name) NOT LIKE lowerUTF8(concat({p1:String}, '%')) "x\\"y"`);
});
