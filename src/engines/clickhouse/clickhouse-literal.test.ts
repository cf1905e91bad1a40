import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UprateError } from '../../core/errors.js';
import { bindClickHouseSql, clickhouseLiteral, clickhouseString, clickhouseTimestamp } from './clickhouse-literal.js';
import { joinedTablesPruned, qualifyJoinedTables, standardNot } from './clickhouse-compat.js';
import { serverHasParameters } from './clickhouse-store.js';

// Expected literals are written by hand from ClickHouse's string-literal rules (backslash escapes).

test('strings: quote and backslash escaped, control bytes as \\xHH, other text kept', () => {
  assert.equal(clickhouseString("it's"), "'it\\'s'");
  assert.equal(clickhouseString('a\\b'), "'a\\\\b'");
  assert.equal(clickhouseString("x\\'; DROP TABLE offers; --"), "'x\\\\\\'; DROP TABLE offers; --'");
  assert.equal(clickhouseString('tab\tnl\nnul\0del\x7f'), "'tab\\x09nl\\x0anul\\x00del\\x7f'");
  assert.equal(clickhouseString('Zürich 東京 🙂'), "'Zürich 東京 🙂'");
  assert.equal(clickhouseString(''), "''");
});

test('a lone surrogate is not text and is refused', () => {
  assert.throws(() => clickhouseString('a\uD800b'), (e: unknown) => e instanceof UprateError && e.code === 'QUERY_INVALID');
  assert.throws(() => clickhouseString('\uDC00'), UprateError);
});

test('numbers: finite only; text that is a number is accepted for Float64', () => {
  assert.equal(clickhouseLiteral(1, 'Float64'), '1');
  assert.equal(clickhouseLiteral(-0.25, 'Float64'), '-0.25');
  assert.equal(clickhouseLiteral('12.5', 'Float64'), '12.5');
  assert.equal(clickhouseLiteral(12n, 'Float64'), '12');
  assert.throws(() => clickhouseLiteral(Number.NaN, 'Float64'), UprateError);
  assert.throws(() => clickhouseLiteral(Number.POSITIVE_INFINITY, 'Float64'), UprateError);
  assert.throws(() => clickhouseLiteral('1; DROP TABLE offers', 'Float64'), UprateError);
  assert.throws(() => clickhouseLiteral('', 'Float64'), UprateError);
});

test('timestamps: whole seconds as toDateTime, fractions as exact epoch seconds, UTC when no zone', () => {
  // 2025-01-01T00:00:00Z = 1735689600 (date -u -d 2025-01-01 +%s)
  assert.equal(clickhouseTimestamp('2025-01-01T00:00:00Z'), "toDateTime(1735689600, 'UTC')");
  assert.equal(clickhouseTimestamp('2025-01-01'), "toDateTime(1735689600, 'UTC')");
  assert.equal(clickhouseTimestamp('2025-01-01T00:00:00'), "toDateTime(1735689600, 'UTC')");
  assert.equal(clickhouseTimestamp('2025-01-01T02:00:00+02:00'), "toDateTime(1735689600, 'UTC')");
  assert.equal(clickhouseTimestamp('2024-12-31T23:59:59.999Z'), '1735689599.999');
  assert.equal(clickhouseTimestamp(new Date(Date.UTC(2025, 0, 1))), "toDateTime(1735689600, 'UTC')");
  assert.throws(() => clickhouseTimestamp('1969-12-31T23:59:59Z'), /outside the range of ClickHouse DateTime/);
  assert.throws(() => clickhouseTimestamp('2200-01-01'), /outside the range/);
  assert.throws(() => clickhouseTimestamp("2025-01-01'); DROP"), /is not a timestamp/);
});

test('booleans and NULL', () => {
  assert.equal(clickhouseLiteral(true, 'UInt8'), '1');
  assert.equal(clickhouseLiteral('false', 'UInt8'), '0');
  assert.throws(() => clickhouseLiteral('yes', 'UInt8'), UprateError);
  assert.equal(clickhouseLiteral(null, 'String'), 'NULL');
  assert.equal(clickhouseLiteral(null, 'DateTime'), 'NULL');
});

test('binding replaces markers outside quotes only, and refuses a miscount', () => {
  const sql = `SELECT '{p1:String}' AS "{p2:String}", x FROM t WHERE a = {p1:String} AND b < {p2:DateTime} AND c IN ({p3:Float64}, {p1:String})`;
  const bound = bindClickHouseSql(sql, ["o'1", '2025-01-01', 5], 'inline');
  assert.equal(bound.sql, `SELECT '{p1:String}' AS "{p2:String}", x FROM t WHERE a = 'o\\'1' AND b < toDateTime(1735689600, 'UTC') AND c IN (5, 'o\\'1')`);
  assert.deepEqual(bound.params, {});
  assert.throws(() => bindClickHouseSql('SELECT {p2:String}', ['a'], 'inline'), /has no value/);
  assert.throws(() => bindClickHouseSql('SELECT {p1:String}', ['a', 'b'], 'inline'), /1 distinct markers but 2 values/);
  assert.equal(bindClickHouseSql('SELECT 1', [], 'inline').sql, 'SELECT 1');
});

test('on servers with query parameters the values travel as param_pN, typed', () => {
  const bound = bindClickHouseSql('SELECT {p1:String}, {p2:DateTime}, {p3:Float64}, {p4:String}', ["o'1", '2025-01-01T10:00:00.250Z', 2.5, null], 'parameters');
  assert.equal(bound.sql, "SELECT {p1:String}, {p2:DateTime64(3, 'UTC')}, {p3:Float64}, {p4:Nullable(String)}");
  assert.deepEqual(bound.params, { param_p1: "o'1", param_p2: '2025-01-01 10:00:00.250', param_p3: '2.5', param_p4: '\\N' });
});

test('query parameters are used from ClickHouse 19.15 on', () => {
  assert.equal(serverHasParameters('18.16.1'), false);
  assert.equal(serverHasParameters('19.14.3.3'), false);
  assert.equal(serverHasParameters('19.15.2.2'), true);
  assert.equal(serverHasParameters('23.8.1'), true);
});

test('NOT (…) answers as SQL on servers whose AND yields NULL for FALSE AND NULL', () => {
  assert.equal(standardNot('SELECT NOT (a IS NOT NULL AND a <= b) AND NOT (c)'), 'SELECT NOT ifNull((a IS NOT NULL AND a <= b), 0) AND NOT ifNull((c), 0)');
  assert.equal(standardNot("SELECT 'NOT (x)', notEmpty(y), NOT(f(z))"), "SELECT 'NOT (x)', notEmpty(y), NOT ifNull((f(z)), 0)");
  assert.equal(standardNot('SELECT x IS NOT NULL'), 'SELECT x IS NOT NULL');
});

test('a table joined by name is read through a subquery (18.16 hashes only the columns used then); arrays, subqueries and FROM are left alone', () => {
  const sql = 'SELECT c.x FROM offers AS "offers" LEFT JOIN customers AS "customers" ON a = b INNER JOIN `snap_1`.plans AS p ON 1 = 1 ARRAY JOIN uprate_rs AS r LEFT JOIN (SELECT 1) AS s ON 1 = 1';
  assert.equal(
    joinedTablesPruned(sql),
    'SELECT c.x FROM offers AS "offers" LEFT JOIN (SELECT * FROM customers) AS "customers" ON a = b INNER JOIN (SELECT * FROM `snap_1`.plans) AS p ON 1 = 1 ARRAY JOIN uprate_rs AS r LEFT JOIN (SELECT 1) AS s ON 1 = 1',
  );
  // After the names are qualified with the request's database (each shard resolves them there).
  assert.equal(joinedTablesPruned(qualifyJoinedTables('FROM offers AS o LEFT JOIN customers AS c ON 1', 'shop', ['customers'])), 'FROM offers AS o LEFT JOIN (SELECT * FROM `shop`.customers) AS c ON 1');
});
