// Tests for query-scope.ts (added for mutation testing, bench/mutation-report.md): which cubes a
// query joins, which measures a repeating join makes impossible (and how that is said), time
// dimensions in UTC, the measureFilter operator, and ORDER BY positions. The expected SQL is
// written by hand from the compiler's printing rules; the answers are worked out by hand from
// the rows below and checked on DuckDB.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { openSqlHarness, planOf, type SqlHarness } from '../../test/sql-harness.js';
import { UprateError } from '../core/errors.js';
import { type Model } from '../model/index.js';
import { type QueryPlan } from '../query/index.js';
import { compileSql, duckdbDialect, planToSql } from './index.js';
import { raw } from './nodes.js';
import { orderBy } from './query-scope.js';

const NOW = new Date('2025-03-20T10:00:00.000Z');

const MODEL = `
cubes:
  - name: Accounts
    sql_table: t_accounts
    joins:
      - { name: Deals, relationship: one_to_many, sql: "{CUBE}.id = {Deals}.account_id" }
    dimensions:
      - { name: id, sql: "{CUBE}.id", type: string, primary_key: true }
      - { name: region, sql: "{CUBE}.region", type: string }
    measures:
      - { name: count, type: count }
      - { name: mrr, type: sum, sql: "{CUBE}.mrr" }
      - { name: usEntMrr, type: sum, sql: "{CUBE}.mrr", filters: [{ sql: "{CUBE}.size = 'ent'" }, { sql: "{CUBE}.region = 'us'" }] }
      - { name: inlineAvg, type: number, sql: "sum({CUBE}.mrr) / {count}" }
      - { name: upMrr, type: sum, sql: "{CUBE}.mrr", filters: [{ sql: "{Deals.kind} = 'up'" }, { sql: "{Owners.name} <> ''" }] }
  - name: Deals
    sql_table: t_deals
    joins:
      - { name: Accounts, relationship: many_to_one, sql: "{CUBE}.account_id = {Accounts.id}" }
      - { name: Owners, relationship: many_to_one, sql: "{CUBE}.owner_id = {Owners.id}" }
    dimensions:
      - { name: id, sql: "{CUBE}.id", type: string, primary_key: true }
      - { name: kind, sql: "{CUBE}.kind", type: string }
      - { name: closed, sql: "{CUBE}.closed", type: time }
    measures:
      - { name: count, type: count }
  - name: Owners
    sql_table: t_owners
    dimensions:
      - { name: id, sql: "{CUBE}.id", type: string, primary_key: true }
      - { name: name, sql: "{CUBE}.name", type: string }
`;

const DATA = [
  'CREATE TABLE t_accounts (id TEXT, region TEXT, size TEXT, mrr INTEGER)',
  "INSERT INTO t_accounts VALUES ('a1', 'eu', 'smb', 100), ('a2', 'us', 'ent', 1000), ('a3', 'us', 'ent', 800), ('a4', NULL, 'smb', 200)",
  'CREATE TABLE t_deals (id TEXT, account_id TEXT, owner_id TEXT, kind TEXT, closed TIMESTAMP)',
  `INSERT INTO t_deals VALUES ('d1', 'a1', 'o1', 'up', '2025-01-05 10:00'), ('d2', 'a2', 'o1', 'up', '2025-01-31 23:30'),
    ('d3', 'a3', 'o2', 'cross', '2025-02-03 00:00'), ('d4', 'a3', NULL, 'up', '2025-02-10 12:00'), ('d5', 'a9', 'o2', 'up', '2025-03-01 00:00')`,
  'CREATE TABLE t_owners (id TEXT, name TEXT)',
  "INSERT INTO t_owners VALUES ('o1', 'Ann'), ('o2', 'Bo')",
];

let model: Model;
let harness: SqlHarness;
before(async () => {
  harness = await openSqlHarness({ file: 'model.yml', text: MODEL }, DATA);
  model = harness.model;
});
after(() => harness.close());

const planned = (query: Record<string, unknown>): QueryPlan => planOf(model, query, NOW);

function sqlOf(query: Record<string, unknown>): { sql: string; params: readonly unknown[] } {
  const got = compileSql(duckdbDialect, planToSql(model, planned(query)).query);
  return { sql: got.sql, params: got.params };
}

const run = (sql: string, params: readonly unknown[] = []): Promise<unknown[][]> => harness.run(sql, params);

test('a cube named only in a filter is joined', async () => {
  const got = sqlOf({ measures: ['Deals.count'], filters: [{ member: 'Accounts.region', operator: 'equals', values: ['us'] }] });
  assert.equal(got.sql, `SELECT
  count(("deals".id)) "deals__count"
FROM t_deals AS "deals"
LEFT JOIN t_accounts AS "accounts" ON "deals".account_id = ("accounts".id)
WHERE (("accounts".region) = $1)
LIMIT 10000`);
  assert.deepEqual(got.params, ['us']);
  // Deals of a2 and a3: d2, d3, d4.
  assert.deepEqual(await run(got.sql, got.params), [[3]]);
});

test('a time dimension in UTC is truncated as stored, without a time zone conversion or parameter', async () => {
  const got = sqlOf({ measures: ['Deals.count'], timeDimensions: [{ dimension: 'Deals.closed', granularity: 'month' }] });
  assert.equal(got.sql, `SELECT
  date_trunc('month', ("deals".closed)) "deals__closed_month",
  count(("deals".id)) "deals__count"
FROM t_deals AS "deals"
GROUP BY 1
ORDER BY 1 ASC NULLS LAST
LIMIT 10000`);
  assert.deepEqual(got.params, []);
  // d2 at 23:30 UTC on 31 January stays in January.
  const rows = await run(got.sql);
  assert.deepEqual(rows.map(([month, n]) => [String(month).slice(0, 7), n]), [['2025-01', 2], ['2025-02', 2], ['2025-03', 1]]);
});

test('measureFilter keeps the rows the measure\'s own filters keep, all of them ANDed', async () => {
  const got = sqlOf({ measures: ['Accounts.mrr'], filters: [{ member: 'Accounts.usEntMrr', operator: 'measureFilter' }] });
  assert.equal(got.sql, `SELECT
  sum("accounts".mrr) "accounts__mrr"
FROM t_accounts AS "accounts"
WHERE ((("accounts".size = 'ent')) AND (("accounts".region = 'us')))
LIMIT 10000`);
  // a2 and a3 are enterprise accounts in the us.
  assert.deepEqual(await run(got.sql), [[1800]]);
});

test('a measure that cannot be de-duplicated under a repeating join is refused, saying why and what to do', () => {
  const hint = "query it without the members of the joined cube that repeat its rows, or define it from its own cube's columns only";
  const refused = (measure: string, message: string) =>
    assert.throws(
      () => planToSql(model, planned({ measures: ['Deals.count', measure], dimensions: ['Deals.kind'] })),
      (e: unknown) => e instanceof UprateError && e.code === 'QUERY_INVALID' && e.message === message && e.hint === hint && e.location === measure,
    );
  refused('Accounts.inlineAvg', 'Accounts.inlineAvg cannot be computed without double counting: it is a number measure that aggregates columns itself, and this query repeats its rows');
  refused('Accounts.upMrr', 'Accounts.upMrr cannot be computed without double counting: its SQL uses Deals, Owners');
});

test('ORDER BY names select-list positions, 1-based, and skips an alias that is not selected', () => {
  const plan = planned({ measures: ['Deals.count'], dimensions: ['Deals.kind'] });
  const columns = [{ expr: raw('a'), alias: 'a' }, { expr: raw('b'), alias: 'b' }];
  const order = (alias: string, desc: boolean) => ({ kind: 'order' as const, id: alias, alias, desc });
  assert.deepEqual(orderBy({ ...plan, order: [order('b', true), order('missing', false), order('a', false)] }, columns), [
    { position: 2, desc: true },
    { position: 1, desc: false },
  ]);
});
