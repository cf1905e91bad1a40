// Tests for sql-compiler.ts (added for mutation testing, bench/mutation-report.md): the printing
// of the node kinds and clauses the planner's tests do not reach (UNION ALL, a join without ON,
// several GROUP BY and ORDER BY positions, the macros, ClickHouse's hooks) and the compiler's
// refusals. The expected text is written by hand; DuckDB runs what it can, with answers by hand.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { openSqlHarness, type SqlHarness } from '../../test/sql-harness.js';
import { InternalError } from '../core/errors.js';
import { clickhouseDialect, compileSql, duckdbDialect } from './index.js';
import { column, param, raw, select, type SelectNode, type SqlExpr } from './nodes.js';

let harness: SqlHarness;
before(async () => {
  harness = await openSqlHarness(null);
});
after(() => harness.close());

const run = (sql: string, params: readonly unknown[] = []): Promise<unknown[][]> => harness.run(sql, params);

/** `SELECT <expr> "x" FROM range(1) AS "r"`, the one column's line. */
const line = (expr: SqlExpr, dialect = duckdbDialect) =>
  compileSql(dialect, select({ columns: [{ expr, alias: 'x' }], from: { kind: 'table', table: 'range(1)', alias: 'r' } })).sql.split('\n')[1];

const throwsBug = (f: () => unknown, message: string) => assert.throws(f, (e: unknown) => e instanceof InternalError && e.message === message);

test('UNION ALL of two statements as a FROM item, and a join without ON', async () => {
  const part = (n: number): SelectNode => select({ columns: [{ expr: raw(String(n)), alias: 'v' }], from: { kind: 'table', table: 'range(1)', alias: 'r' } });
  const node = select({
    columns: [{ expr: raw('sum("u"."v" * "c"."range")'), alias: 'total' }],
    from: { kind: 'unionAll', queries: [part(1), part(2)], alias: 'u' },
    joins: [{ kind: 'join', type: 'CROSS', item: { kind: 'table', table: 'range(3)', alias: 'c' }, on: null }],
  });
  const got = compileSql(duckdbDialect, node);
  assert.equal(got.sql, `SELECT
  sum("u"."v" * "c"."range") "total"
FROM (
  SELECT
    1 "v"
  FROM range(1) AS "r"
  UNION ALL
  SELECT
    2 "v"
  FROM range(1) AS "r"
) AS "u"
CROSS JOIN range(3) AS "c"`);
  // (1 + 2) · (0 + 1 + 2) = 9.
  assert.deepEqual(await run(got.sql), [[9]]);
});

test('several GROUP BY and ORDER BY positions are listed with commas', async () => {
  const node = select({
    columns: [{ expr: raw('range % 2'), alias: 'odd' }, { expr: raw('range % 3'), alias: 'third' }, { expr: { kind: 'aggregate', fn: 'count', arg: null }, alias: 'n' }],
    from: { kind: 'table', table: 'range(6)', alias: 'r' },
    groupBy: [1, 2],
    orderBy: [{ position: 1, desc: false }, { position: 2, desc: true }],
  });
  const got = compileSql(duckdbDialect, node);
  assert.deepEqual(got.sql.split('\n').slice(-2), ['GROUP BY 1, 2', 'ORDER BY 1 ASC NULLS LAST, 2 DESC NULLS LAST']);
  assert.equal(got.sql.split('\n')[3], '  count(*) "n"');
  // 0…5: each (odd, third) pair occurs once.
  assert.deepEqual(await run(got.sql), [[0, 2, 1], [0, 1, 1], [0, 0, 1], [1, 2, 1], [1, 1, 1], [1, 0, 1]]);
  // ClickHouse names the aliases instead, and refuses a position outside the select list.
  const ch = compileSql(clickhouseDialect, node);
  assert.deepEqual(ch.sql.split('\n').slice(-2), ['GROUP BY "odd", "third"', 'ORDER BY "odd" ASC NULLS LAST, "third" DESC NULLS LAST']);
  throwsBug(() => compileSql(clickhouseDialect, { ...node, groupBy: [4] }), 'no select column at position 4');
});

test('an inclusive range end is widened only when it ends at a millisecond\'s .999, and only if it is text', () => {
  const end = (value: string | number) => compileSql(duckdbDialect, select({ columns: [{ expr: { kind: 'param', value, type: 'timestamp', rangeEnd: true }, alias: 'x' }], from: { kind: 'table', table: 't', alias: 't' } })).params;
  assert.deepEqual(end('2025-01-31T23:59:59.999Z'), ['2025-01-31T23:59:59.999999Z']);
  assert.deepEqual(end('2025-01-31T23:59:59.000Z'), ['2025-01-31T23:59:59.000Z']);
  assert.deepEqual(end(1738367999999), [1738367999999]);
});

test('macros: addDays and daysBetween per dialect; a clock macro or an argument of the wrong kind is a bug', async () => {
  const ts = (s: string): SqlExpr => raw(`TIMESTAMP '${s}'`);
  const days: SqlExpr = { kind: 'macro', name: 'daysBetween', args: [ts('2025-01-01 00:00:00'), ts('2025-01-02 12:00:00')] };
  const plus: SqlExpr = { kind: 'macro', name: 'addDays', args: [ts('2025-01-30 08:00:00'), 3] };
  assert.equal(line(days), `  ((epoch(TIMESTAMP '2025-01-02 12:00:00') - epoch(TIMESTAMP '2025-01-01 00:00:00')) / 86400.0) "x"`);
  assert.equal(line(days, clickhouseDialect), `  ((toInt64(TIMESTAMP '2025-01-02 12:00:00') - toInt64(TIMESTAMP '2025-01-01 00:00:00')) / 86400.0) "x"`);
  assert.equal(line(plus, clickhouseDialect), `  addDays(TIMESTAMP '2025-01-30 08:00:00', 3) "x"`);
  const [[between, later]] = (await run(compileSql(duckdbDialect, select({ columns: [{ expr: days, alias: 'd' }, { expr: plus, alias: 'p' }], from: { kind: 'table', table: 'range(1)', alias: 'r' } })).sql)) as [[number, string]];
  assert.equal(between, 1.5);
  assert.equal(String(later).slice(0, 19).replace('T', ' '), '2025-02-02 08:00:00');
  throwsBug(() => line({ kind: 'macro', name: 'now', args: [] }), 'uprate.now() is planned as a parameter');
  throwsBug(() => line({ kind: 'macro', name: 'addDays', args: [raw('t'), 1.5] }), 'addDays needs a whole number of days');
  throwsBug(() => line({ kind: 'macro', name: 'addDays', args: [raw('t'), raw('1')] }), 'addDays needs a whole number of days');
  throwsBug(() => line({ kind: 'macro', name: 'daysBetween', args: [raw('a'), 2] }), 'macro daysBetween argument 1 is not SQL');
  throwsBug(() => line({ kind: 'macro', name: 'daysBetween', args: [raw('a')] }), 'macro daysBetween argument 1 is not SQL');
  throwsBug(() => line({ kind: 'macro', name: 'addDays', args: [3, 3] }), 'macro addDays argument 0 is not SQL');
});

test('ClickHouse: LIKE patterns by match, and null-safe equality spelled out', () => {
  const like = (match: 'contains' | 'starts' | 'ends'): SqlExpr => ({ kind: 'like', expr: raw('name'), value: param('pro', 'text'), match, negated: false });
  assert.equal(line(like('contains'), clickhouseDialect), `  lowerUTF8(name) LIKE lowerUTF8(concat('%', {p1:String}, '%')) "x"`);
  assert.equal(line(like('starts'), clickhouseDialect), `  lowerUTF8(name) LIKE lowerUTF8(concat({p1:String}, '%')) "x"`);
  assert.equal(line(like('ends'), clickhouseDialect), `  lowerUTF8(name) LIKE lowerUTF8(concat('%', {p1:String})) "x"`);
  const same: SqlExpr = { kind: 'nullSafeEquals', left: column('a', 'k'), right: column('b', 'k') };
  assert.equal(line(same, clickhouseDialect), `  (("a"."k" = "b"."k") OR ("a"."k" IS NULL AND "b"."k" IS NULL)) "x"`);
  assert.equal(line(same), `  "a"."k" IS NOT DISTINCT FROM "b"."k" "x"`);
});

test('CASE WHEN with and without ELSE', async () => {
  const when = (otherwise: SqlExpr | null): SqlExpr => ({ kind: 'caseWhen', when: raw('range > 0'), then: raw('10'), otherwise });
  assert.equal(line(when(raw('20'))), '  CASE WHEN range > 0 THEN 10 ELSE 20 END "x"');
  assert.equal(line(when(null)), '  CASE WHEN range > 0 THEN 10 END "x"');
  // range(1) is the one row 0: not > 0.
  assert.deepEqual(await run(compileSql(duckdbDialect, select({ columns: [{ expr: when(raw('20')), alias: 'a' }, { expr: when(null), alias: 'b' }], from: { kind: 'table', table: 'range(1)', alias: 'r' } })).sql), [[20, null]]);
});

test('LIMIT 0 is a row count; a negative one is a bug', () => {
  const limited = (limit: number) => compileSql(duckdbDialect, select({ columns: [{ expr: raw('1'), alias: 'x' }], from: { kind: 'table', table: 't', alias: 't' }, limit })).sql;
  assert.equal(limited(0).split('\n').at(-1), 'LIMIT 0');
  throwsBug(() => limited(-1), 'not a row count: -1');
});
