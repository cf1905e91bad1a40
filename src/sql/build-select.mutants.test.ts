// Tests for build-select.ts (added for mutation testing, bench/mutation-report.md): an ungrouped
// query's filters (row and measure filters both in WHERE, no GROUP BY), the statement counting
// a query's rows (`total`), and the alias → result key map. The expected SQL is written by hand
// from the compiler's printing rules; the answers are worked out by hand and checked on DuckDB.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { openSqlHarness, planOf, type SqlHarness } from '../../test/sql-harness.js';
import { type Model } from '../model/index.js';
import { compileSql, duckdbDialect, planToSql, type PlannedSql } from './index.js';

const NOW = new Date('2025-03-20T10:00:00.000Z');

const MODEL = `
cubes:
  - name: Accounts
    sql_table: t_accounts
    joins:
      - { name: Deals, relationship: one_to_many, sql: "{CUBE}.id = {Deals}.account_id" }
    dimensions:
      - { name: id, sql: "{CUBE}.id", type: string, primary_key: true, public: true }
      - { name: region, sql: "{CUBE}.region", type: string }
    measures:
      - { name: count, type: count }
      - { name: mrr, type: sum, sql: "{CUBE}.mrr" }
  - name: Deals
    sql_table: t_deals
    joins:
      - { name: Accounts, relationship: many_to_one, sql: "{CUBE}.account_id = {Accounts.id}" }
    dimensions:
      - { name: id, sql: "{CUBE}.id", type: string, primary_key: true }
      - { name: closed, sql: "{CUBE}.closed", type: time }
    measures:
      - { name: count, type: count }
`;

const DATA = [
  'CREATE TABLE t_accounts (id TEXT, region TEXT, mrr INTEGER)',
  "INSERT INTO t_accounts VALUES ('a1', 'eu', 100), ('a2', 'us', 1000), ('a3', 'us', 800), ('a4', NULL, 200)",
  'CREATE TABLE t_deals (id TEXT, account_id TEXT, closed TIMESTAMP)',
  "INSERT INTO t_deals VALUES ('d1', 'a1', '2025-01-05 10:00'), ('d2', 'a2', '2025-02-01 00:00')",
];

let model: Model;
let harness: SqlHarness;
before(async () => {
  harness = await openSqlHarness({ file: 'model.yml', text: MODEL }, DATA);
  model = harness.model;
});
after(() => harness.close());

function planned(query: Record<string, unknown>): PlannedSql {
  return planToSql(model, planOf(model, query, NOW));
}

const run = (sql: string, params: readonly unknown[] = []): Promise<unknown[][]> => harness.run(sql, params);

const ungrouped = { measures: ['Accounts.count', 'Accounts.mrr'], dimensions: ['Accounts.id'], ungrouped: true, order: { 'Accounts.id': 'asc' } };

test('ungrouped: row filters and measure filters both apply to the rows, and nothing is grouped', async () => {
  const got = compileSql(duckdbDialect, planned({ ...ungrouped, filters: [{ member: 'Accounts.region', operator: 'equals', values: ['us'] }, { member: 'Accounts.mrr', operator: 'gt', values: ['900'] }] }).query);
  assert.equal(got.sql, `SELECT
  ("accounts".id) "accounts__id",
  1 "accounts__count",
  "accounts".mrr "accounts__mrr"
FROM t_accounts AS "accounts"
WHERE ((("accounts".region) = $1)) AND (("accounts".mrr > $2))
ORDER BY 1 ASC NULLS LAST
LIMIT 10000`);
  assert.deepEqual(got.params, ['us', 900]);
  // us accounts a2 (1000) and a3 (800): only a2 is over 900.
  assert.deepEqual(await run(got.sql, got.params), [['a2', 1, 1000]]);
});

test('ungrouped: a measure filter alone, or a row filter alone, is the whole WHERE', async () => {
  const measureOnly = compileSql(duckdbDialect, planned({ ...ungrouped, filters: [{ member: 'Accounts.mrr', operator: 'gt', values: ['500'] }] }).query);
  assert.equal(measureOnly.sql.split('\n').find((l) => l.startsWith('WHERE')), 'WHERE ("accounts".mrr > $1)');
  assert.deepEqual(await run(measureOnly.sql, measureOnly.params), [['a2', 1, 1000], ['a3', 1, 800]]);
  const rowOnly = compileSql(duckdbDialect, planned({ ...ungrouped, filters: [{ member: 'Accounts.region', operator: 'equals', values: ['eu'] }] }).query);
  assert.equal(rowOnly.sql.split('\n').find((l) => l.startsWith('WHERE')), 'WHERE (("accounts".region) = $1)');
  assert.deepEqual(await run(rowOnly.sql, rowOnly.params), [['a1', 1, 100]]);
});

test('total: the rows of the query counted without its order, limit and offset', async () => {
  const got = planned({ measures: ['Accounts.count'], dimensions: ['Accounts.region'], total: true, limit: 1, offset: 1, order: { 'Accounts.region': 'asc' } });
  assert.ok(got.total);
  const total = compileSql(duckdbDialect, got.total);
  assert.equal(total.sql, `SELECT
  count(*) "total"
FROM (
  SELECT
    ("accounts".region) "accounts__region",
    count(("accounts".id)) "accounts__count"
  FROM t_accounts AS "accounts"
  GROUP BY 1
) AS "total_query"`);
  // Three regions: eu, us and none; the page itself holds one of them (us, after eu).
  assert.deepEqual(await run(total.sql), [[3]]);
  assert.deepEqual(await run(compileSql(duckdbDialect, got.query).sql), [['us', 2]]);
  assert.equal(planned({ measures: ['Accounts.count'] }).total, null);
});

test('the aliases name each column\'s result key: dimensions, time dimensions, then measures', () => {
  const got = planned({ measures: ['Accounts.count'], dimensions: ['Accounts.region'], timeDimensions: [{ dimension: 'Deals.closed', granularity: 'month' }] });
  assert.deepEqual([...got.aliases].map(([alias, s]) => [alias, s.key]), [
    ['accounts__region', 'Accounts.region'],
    ['deals__closed_month', 'Deals.closed.month'],
    ['accounts__count', 'Accounts.count'],
  ]);
});
