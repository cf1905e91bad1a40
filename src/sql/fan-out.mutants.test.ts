// Tests for fan-out.ts (added for mutation testing, bench/mutation-report.md): a query whose
// measures come from several groups (the joined rows, and one per-key subquery per repeated
// cube) puts the main group first, joins the others on every dimension (null-safe), or crosses
// them without dimensions, and pages the joined result. The expected SQL is written by hand from
// the compiler's printing rules; the answers are worked out by hand and checked on DuckDB.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { openSqlHarness, planOf, type SqlHarness } from '../../test/sql-harness.js';
import { type Model } from '../model/index.js';
import { compileSql, duckdbDialect, planToSql } from './index.js';
import type { FromItem, SelectNode } from './nodes.js';

const NOW = new Date('2025-03-20T10:00:00.000Z');

// Accounts one-to-many Deals; Pairs is the accounts table again under a composite key (size, id).
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
      - { name: Pairs, relationship: many_to_one, sql: "{CUBE}.account_id = {Pairs.id}" }
    dimensions:
      - { name: id, sql: "{CUBE}.id", type: string, primary_key: true }
      - { name: kind, sql: "{CUBE}.kind", type: string }
    measures:
      - { name: count, type: count }
  - name: Pairs
    sql_table: t_accounts
    dimensions:
      - { name: size, sql: "{CUBE}.size", type: string, primary_key: true }
      - { name: id, sql: "{CUBE}.id", type: string, primary_key: true }
    measures:
      - { name: count, type: count }
`;

// Four accounts (a4 without a region, a3 without a score); seven deals, d7 of an account that
// does not exist (a LEFT JOIN pads it with NULLs).
const DATA = [
  'CREATE TABLE t_accounts (id TEXT, region TEXT, size TEXT, score INTEGER, mrr INTEGER)',
  "INSERT INTO t_accounts VALUES ('a1', 'eu', 'smb', 35, 100), ('a2', 'us', 'ent', 70, 1000), ('a3', 'us', 'ent', NULL, 800), ('a4', NULL, 'smb', 40, 200)",
  'CREATE TABLE t_deals (id TEXT, account_id TEXT, kind TEXT)',
  "INSERT INTO t_deals VALUES ('d1', 'a1', 'up'), ('d2', 'a1', 'up'), ('d3', 'a1', 'cross'), ('d4', 'a2', 'up'), ('d5', 'a3', 'cross'), ('d6', 'a3', 'up'), ('d7', 'a9', 'up')",
];

let model: Model;
let harness: SqlHarness;
before(async () => {
  harness = await openSqlHarness({ file: 'model.yml', text: MODEL }, DATA);
  model = harness.model;
});
after(() => harness.close());

/** The statement planned for a Cube query. */
function nodeOf(query: Record<string, unknown>): SelectNode {
  return planToSql(model, planOf(model, query, NOW)).query;
}

/** The DuckDB SQL (and parameters) of a Cube query. */
function sqlOf(query: Record<string, unknown>): { sql: string; params: readonly unknown[] } {
  const got = compileSql(duckdbDialect, nodeOf(query));
  return { sql: got.sql, params: got.params };
}

const run = (sql: string, params: readonly unknown[] = []): Promise<unknown[][]> => harness.run(sql, params);

// The query cubes in order are Pairs (joined to nothing), Accounts and Deals: Accounts is the
// root, so a4 (no deals) is a row and d7 (no account) is not. Accounts' rows repeat once per
// deal, Pairs' once per deal too: both are aggregated per key, the Deals count with the rows.
const MEASURES = ['Pairs.count', 'Accounts.mrr', 'Deals.count'];
const keys = (alias: string) => `SELECT DISTINCT
      ("deals".kind) "deals__kind",
      ("accounts".region) "accounts__region",
      ${alias}
    FROM t_accounts AS "accounts"
    LEFT JOIN t_deals AS "deals" ON "accounts".id = "deals".account_id
    LEFT JOIN t_accounts AS "pairs" ON "deals".account_id = ("pairs".id)`;

test('the main group first, the per-key groups joined to it on every dimension; the page taken from the joined rows', async () => {
  const got = sqlOf({ measures: MEASURES, dimensions: ['Deals.kind', 'Accounts.region'], order: [['Deals.kind', 'asc'], ['Accounts.region', 'asc']], limit: 2, offset: 1 });
  const on = (q: string) => `("q_0"."deals__kind" IS NOT DISTINCT FROM "${q}"."deals__kind") AND ("q_0"."accounts__region" IS NOT DISTINCT FROM "${q}"."accounts__region")`;
  assert.equal(got.sql, `SELECT
  "q_0"."deals__kind" "deals__kind",
  "q_0"."accounts__region" "accounts__region",
  "q_1"."m__Pairs__count" "pairs__count",
  "q_2"."m__Accounts__mrr" "accounts__mrr",
  "q_0"."m__Deals__count" "deals__count"
FROM (
  SELECT
    ("deals".kind) "deals__kind",
    ("accounts".region) "accounts__region",
    count(("deals".id)) "m__Deals__count"
  FROM t_accounts AS "accounts"
  LEFT JOIN t_deals AS "deals" ON "accounts".id = "deals".account_id
  LEFT JOIN t_accounts AS "pairs" ON "deals".account_id = ("pairs".id)
  GROUP BY 1, 2
) AS "q_0"
INNER JOIN (
  SELECT
    "keys"."deals__kind" "deals__kind",
    "keys"."accounts__region" "accounts__region",
    count(("pairs".size)) "m__Pairs__count"
  FROM (
    ${keys(`("pairs".size) "__pk_0",
      ("pairs".id) "__pk_1"`)}
  ) AS "keys"
  LEFT JOIN t_accounts AS "pairs" ON ("keys"."__pk_0" = ("pairs".size)) AND ("keys"."__pk_1" = ("pairs".id))
  GROUP BY 1, 2
) AS "q_1" ON ${on('q_1')}
INNER JOIN (
  SELECT
    "keys"."deals__kind" "deals__kind",
    "keys"."accounts__region" "accounts__region",
    sum("accounts".mrr) "m__Accounts__mrr"
  FROM (
    ${keys('("accounts".id) "__pk_0"')}
  ) AS "keys"
  LEFT JOIN t_accounts AS "accounts" ON "keys"."__pk_0" = ("accounts".id)
  GROUP BY 1, 2
) AS "q_2" ON ${on('q_2')}
ORDER BY 1 ASC NULLS LAST, 2 ASC NULLS LAST
LIMIT 2
OFFSET 1`);
  // In order: (cross, eu) a1/d3; (cross, us) a3/d5; (up, eu) a1/d1, d2; (up, us) a2/d4, a3/d6;
  // (none, none) a4. The page skips the first and keeps two.
  assert.deepEqual(await run(got.sql), [['cross', 'us', 1, 800, 1], ['up', 'eu', 1, 100, 2]]);
  const all = sqlOf({ measures: MEASURES, dimensions: ['Deals.kind', 'Accounts.region'], order: [['Deals.kind', 'asc'], ['Accounts.region', 'asc']] });
  assert.deepEqual(await run(all.sql), [['cross', 'eu', 1, 100, 1], ['cross', 'us', 1, 800, 1], ['up', 'eu', 1, 100, 2], ['up', 'us', 2, 1800, 2], [null, null, 0, 200, 0]]);
});

test('without dimensions the groups are single rows, crossed', async () => {
  const got = sqlOf({ measures: MEASURES });
  const lines = got.sql.split('\n');
  assert.deepEqual(lines.slice(0, 4), ['SELECT', '  "q_1"."m__Pairs__count" "pairs__count",', '  "q_2"."m__Accounts__mrr" "accounts__mrr",', '  "q_0"."m__Deals__count" "deals__count"']);
  assert.deepEqual(lines.filter((l) => l.startsWith(')') || l.startsWith('CROSS')), [') AS "q_0"', 'CROSS JOIN (', ') AS "q_1"', 'CROSS JOIN (', ') AS "q_2"']);
  // Accounts a1, a2, a3 have deals (and so a Pairs row); all four accounts' mrr; six deals.
  assert.deepEqual(await run(got.sql), [[3, 2100, 6]]);
});

test('every statement and join of a fan-out plan is a kind-tagged node', () => {
  const kinds: string[] = [];
  const visitFrom = (f: FromItem): void => {
    if (f.kind === 'subquery') visit(f.query);
    if (f.kind === 'unionAll') f.queries.forEach(visit);
  };
  const visit = (s: SelectNode): void => {
    kinds.push(s.kind);
    visitFrom(s.from);
    for (const j of s.joins) {
      kinds.push(j.kind);
      visitFrom(j.item);
    }
  };
  visit(nodeOf({ measures: MEASURES, dimensions: ['Deals.kind'] }));
  // The outer statement, q_0 (two joins), and per group its keys (two joins), the cube joined
  // back, and the join to q_0.
  assert.deepEqual(kinds, ['select', 'select', 'join', 'join', 'join', 'select', 'select', 'join', 'join', 'join', 'join', 'select', 'select', 'join', 'join', 'join']);
});
