// Tests for measure-sql.ts (added for mutation testing, bench/mutation-report.md): each measure
// type aggregated in each mode — over the joined rows, as distinct keys of a repeated cube, per
// key in the fan-out subquery, and as a row value in an ungrouped query — as the SQL DuckDB gets,
// then run on a small hand-made data set whose answers are worked out by hand in the comments.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { openSqlHarness, planOf, type SqlHarness } from '../../test/sql-harness.js';
import { InternalError } from '../core/errors.js';
import { type MeasureDef, type Model, type TemplatePart } from '../model/index.js';
import { compileSql, duckdbDialect, planToSql } from './index.js';
import { aggregatesInline, leafAggregate, leafMeasures, measureDef } from './measure-sql.js';
import { raw } from './nodes.js';

const NOW = new Date('2025-03-20T10:00:00.000Z');

// Accounts one-to-many Deals; Pairs is the accounts table again under a composite key
// (size, id); Loose has no primary key at all.
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
      - { name: ent, type: count, filters: [{ sql: "{CUBE}.size = 'ent'" }] }
      - { name: scored, type: count, sql: "{CUBE}.score" }
      - { name: regions, type: count_distinct, sql: "{CUBE}.region" }
      - { name: entRegions, type: count_distinct, sql: "{CUBE}.region", filters: [{ sql: "{CUBE}.size = 'ent'" }] }
      - { name: regionsApprox, type: count_distinct_approx, sql: "{CUBE}.region" }
      - { name: mrr, type: sum, sql: "{CUBE}.mrr" }
      - { name: avgMrr, type: avg, sql: "{CUBE}.mrr" }
      - { name: minScore, type: min, sql: "{CUBE}.score" }
      - { name: maxScore, type: max, sql: "{CUBE}.score" }
      - { name: usEntMrr, type: sum, sql: "{CUBE}.mrr", filters: [{ sql: "{CUBE}.size = 'ent'" }, { sql: "{CUBE}.region = 'us'" }] }
      - { name: perAccount, type: number, sql: "{mrr} / {count}" }
      - { name: inlineAvg, type: number, sql: "sum({CUBE}.mrr) / {count}" }
      - { name: double, type: number, sql: "{mrr} * 2" }
      - { name: plusOne, type: number, sql: "{mrr} + 1" }
      - { name: diamond, type: number, sql: "{double} + {plusOne}" }
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
      - { name: ent, type: count, filters: [{ sql: "{CUBE}.size = 'ent'" }] }
  - name: Loose
    sql_table: t_accounts
    dimensions:
      - { name: region, sql: "{CUBE}.region", type: string }
    measures:
      - { name: count, type: count }
      - { name: ent, type: count, filters: [{ sql: "{CUBE}.size = 'ent'" }] }
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

/** The DuckDB SQL (and parameters) of a Cube query. */
function sqlOf(query: Record<string, unknown>): { sql: string; params: readonly unknown[] } {
  const got = compileSql(duckdbDialect, planToSql(model, planOf(model, query, NOW)).query);
  return { sql: got.sql, params: got.params };
}

const run = (sql: string, params: readonly unknown[] = []): Promise<unknown[][]> => harness.run(sql, params);

test('every measure type over the rows: counts of keys, of values and of distinct values, sums, averages, extremes, numbers', async () => {
  const got = sqlOf({
    measures: [
      'Accounts.count', 'Accounts.ent', 'Accounts.scored', 'Accounts.regions', 'Accounts.entRegions', 'Accounts.regionsApprox', 'Accounts.mrr',
      'Accounts.avgMrr', 'Accounts.minScore', 'Accounts.maxScore', 'Accounts.usEntMrr', 'Accounts.perAccount', 'Accounts.inlineAvg', 'Accounts.diamond',
    ],
  });
  assert.equal(got.sql, `SELECT
  count(("accounts".id)) "accounts__count",
  count(CASE WHEN ("accounts".size = 'ent') THEN ("accounts".id) END) "accounts__ent",
  count("accounts".score) "accounts__scored",
  count(DISTINCT "accounts".region) "accounts__regions",
  count(DISTINCT CASE WHEN ("accounts".size = 'ent') THEN "accounts".region END) "accounts__ent_regions",
  approx_count_distinct("accounts".region) "accounts__regions_approx",
  sum("accounts".mrr) "accounts__mrr",
  avg("accounts".mrr) "accounts__avg_mrr",
  min("accounts".score) "accounts__min_score",
  max("accounts".score) "accounts__max_score",
  sum(CASE WHEN (("accounts".size = 'ent')) AND (("accounts".region = 'us')) THEN "accounts".mrr END) "accounts__us_ent_mrr",
  (sum("accounts".mrr) / count(("accounts".id))) "accounts__per_account",
  (sum("accounts".mrr) / (count(("accounts".id)))) "accounts__inline_avg",
  ((sum("accounts".mrr) * 2) + (sum("accounts".mrr) + 1)) "accounts__diamond"
FROM t_accounts AS "accounts"
LIMIT 10000`);
  // 4 accounts, 2 enterprise, 3 scored, regions eu and us (1 among enterprise), mrr 2100 (avg
  // 525), scores 35…70, enterprise in the us 1000 + 800; the diamond counts mrr once per path:
  // 2 · 2100 + (2100 + 1) = 6301.
  assert.deepEqual(await run(got.sql), [[4, 2, 3, 2, 1, 2, 2100, 525, 35, 70, 1800, 525, 525, 6301]]);
});

test('without a single primary key a count counts rows: count(*), or 1 for each row its filters keep', async () => {
  for (const cube of ['Pairs', 'Loose']) {
    const got = sqlOf({ measures: [`${cube}.count`, `${cube}.ent`] });
    const alias = cube.toLowerCase();
    assert.equal(got.sql, `SELECT
  count(*) "${alias}__count",
  count(CASE WHEN ("${alias}".size = 'ent') THEN 1 END) "${alias}__ent"
FROM t_accounts AS "${alias}"
LIMIT 10000`);
    assert.deepEqual(await run(got.sql), [[4, 2]]);
  }
});

test('a repeated cube: counts of distinct keys, per-key counts on a composite key, distinct counts and extremes with the rows', async () => {
  // Deals many-to-one Accounts and Pairs: both repeat once per deal. Deal d7 has no account,
  // so the padded row must not count.
  const got = sqlOf({
    measures: ['Deals.count', 'Pairs.count', 'Pairs.ent', 'Accounts.count', 'Accounts.ent', 'Accounts.regions', 'Accounts.regionsApprox', 'Accounts.minScore', 'Accounts.maxScore'],
    dimensions: ['Deals.kind'],
    order: { 'Deals.kind': 'asc' },
  });
  assert.equal(got.sql, `SELECT
  "q_0"."deals__kind" "deals__kind",
  "q_0"."m__Deals__count" "deals__count",
  "q_1"."m__Pairs__count" "pairs__count",
  "q_1"."m__Pairs__ent" "pairs__ent",
  "q_0"."m__Accounts__count" "accounts__count",
  "q_0"."m__Accounts__ent" "accounts__ent",
  "q_0"."m__Accounts__regions" "accounts__regions",
  "q_0"."m__Accounts__regionsApprox" "accounts__regions_approx",
  "q_0"."m__Accounts__minScore" "accounts__min_score",
  "q_0"."m__Accounts__maxScore" "accounts__max_score"
FROM (
  SELECT
    ("deals".kind) "deals__kind",
    count(("deals".id)) "m__Deals__count",
    count(DISTINCT ("accounts".id)) "m__Accounts__count",
    count(DISTINCT CASE WHEN ("accounts".size = 'ent') THEN ("accounts".id) END) "m__Accounts__ent",
    count(DISTINCT "accounts".region) "m__Accounts__regions",
    approx_count_distinct("accounts".region) "m__Accounts__regionsApprox",
    min("accounts".score) "m__Accounts__minScore",
    max("accounts".score) "m__Accounts__maxScore"
  FROM t_deals AS "deals"
  LEFT JOIN t_accounts AS "pairs" ON "deals".account_id = ("pairs".id)
  LEFT JOIN t_accounts AS "accounts" ON "deals".account_id = ("accounts".id)
  GROUP BY 1
) AS "q_0"
INNER JOIN (
  SELECT
    "keys"."deals__kind" "deals__kind",
    count(("pairs".size)) "m__Pairs__count",
    count(CASE WHEN ("pairs".size = 'ent') THEN ("pairs".size) END) "m__Pairs__ent"
  FROM (
    SELECT DISTINCT
      ("deals".kind) "deals__kind",
      ("pairs".size) "__pk_0",
      ("pairs".id) "__pk_1"
    FROM t_deals AS "deals"
    LEFT JOIN t_accounts AS "pairs" ON "deals".account_id = ("pairs".id)
    LEFT JOIN t_accounts AS "accounts" ON "deals".account_id = ("accounts".id)
  ) AS "keys"
  LEFT JOIN t_accounts AS "pairs" ON ("keys"."__pk_0" = ("pairs".size)) AND ("keys"."__pk_1" = ("pairs".id))
  GROUP BY 1
) AS "q_1" ON "q_0"."deals__kind" IS NOT DISTINCT FROM "q_1"."deals__kind"
ORDER BY 1 ASC NULLS LAST
LIMIT 10000`);
  // cross: d3 (a1), d5 (a3) → accounts a1, a3; one enterprise (a3); regions eu, us; scores 35, NULL.
  // up: d1, d2 (a1), d4 (a2), d6 (a3), d7 (none) → accounts a1, a2, a3 (two sizes only: a
  // count of distinct first key components would say 2); enterprise a2, a3; scores 35, 70, NULL.
  assert.deepEqual(await run(got.sql), [
    ['cross', 2, 2, 1, 2, 1, 2, 2, 35, 35],
    ['up', 5, 3, 2, 3, 2, 2, 2, 35, 70],
  ]);
});

test('an ungrouped query: a counting measure is 1 or 0 on each row, other measures their row value', async () => {
  const got = sqlOf({
    measures: ['Accounts.count', 'Accounts.ent', 'Accounts.scored', 'Accounts.regions', 'Accounts.entRegions', 'Accounts.regionsApprox', 'Accounts.mrr', 'Accounts.usEntMrr', 'Accounts.perAccount'],
    dimensions: ['Accounts.id'],
    ungrouped: true,
    order: { 'Accounts.id': 'asc' },
  });
  assert.equal(got.sql, `SELECT
  ("accounts".id) "accounts__id",
  1 "accounts__count",
  CASE WHEN ("accounts".size = 'ent') THEN 1 ELSE 0 END "accounts__ent",
  CASE WHEN "accounts".score IS NOT NULL THEN 1 ELSE 0 END "accounts__scored",
  CASE WHEN "accounts".region IS NOT NULL THEN 1 ELSE 0 END "accounts__regions",
  CASE WHEN ("accounts".region IS NOT NULL) AND (("accounts".size = 'ent')) THEN 1 ELSE 0 END "accounts__ent_regions",
  CASE WHEN "accounts".region IS NOT NULL THEN 1 ELSE 0 END "accounts__regions_approx",
  "accounts".mrr "accounts__mrr",
  CASE WHEN (("accounts".size = 'ent')) AND (("accounts".region = 'us')) THEN "accounts".mrr END "accounts__us_ent_mrr",
  ("accounts".mrr / 1) "accounts__per_account"
FROM t_accounts AS "accounts"
ORDER BY 1 ASC NULLS LAST
LIMIT 10000`);
  // A count of a column counts the row only where it has a value (a3 has no score), as the
  // grouped count(score) does: the rows add up to the grouped answers (4, 2, 3, …).
  assert.deepEqual(await run(got.sql), [
    ['a1', 1, 0, 1, 1, 0, 1, 100, null, 100],
    ['a2', 1, 1, 1, 1, 1, 1, 1000, 1000, 1000],
    ['a3', 1, 1, 0, 1, 1, 1, 800, 800, 800],
    ['a4', 1, 0, 1, 0, 0, 0, 200, null, 200],
  ]);
});

test('leafMeasures: the measures a measure is computed from, each once', () => {
  assert.deepEqual(leafMeasures(model, 'Accounts.mrr'), ['Accounts.mrr']);
  assert.deepEqual(leafMeasures(model, 'Accounts.perAccount'), ['Accounts.mrr', 'Accounts.count']);
  // An inline aggregate is a leaf itself, whatever it names.
  assert.deepEqual(leafMeasures(model, 'Accounts.inlineAvg'), ['Accounts.inlineAvg']);
  // double and plusOne both reach mrr.
  assert.deepEqual(leafMeasures(model, 'Accounts.diamond'), ['Accounts.mrr']);
});

test('a measure or a key that is not there is a bug, said as such', () => {
  assert.throws(() => measureDef(model, 'Accounts.nope'), (e: unknown) => e instanceof InternalError && e.message === 'measure Accounts.nope is not in the model');
  const render = { model, now: NOW.toISOString(), measure: () => raw('NULL') };
  // Only a cube with one primary key is counted by key; a cube without any cannot be.
  for (const mode of ['perKey', 'distinctKey'] as const) {
    assert.throws(() => leafAggregate(render, measureDef(model, 'Loose.count'), mode), (e: unknown) => e instanceof InternalError && e.message === 'cube Loose has no primary key');
  }
});

test('aggregatesInline: a number measure that aggregates columns itself, not one that combines measures', () => {
  const measure = (type: MeasureDef['type'], ...sql: TemplatePart[]): MeasureDef => ({
    kind: 'measure', name: 'm', cube: 'C', path: 'C.m', title: undefined, description: undefined, public: true, meta: undefined, line: undefined,
    type, sql, filters: [], format: undefined, drillMembers: [],
  });
  const text = (t: string): TemplatePart => ({ kind: 'text', text: t });
  const ref = (member: string, memberType: 'measure' | 'dimension'): TemplatePart => ({ kind: 'member', cube: 'C', member, memberType });
  // Aggregate calls written in the text, spaced or not, in any case.
  assert.equal(aggregatesInline(measure('number', text('sum(amount)'))), true);
  assert.equal(aggregatesInline(measure('number', text('COUNT (id) * 1.0'))), true);
  assert.equal(aggregatesInline(measure('number', ref('total', 'measure'), text(' / max(x)'))), true);
  // Columns of the cube, or its dimensions, inside any aggregate.
  assert.equal(aggregatesInline(measure('number', text('stddev_pop('), { kind: 'cube', cube: 'C' }, text('.x)'))), true);
  assert.equal(aggregatesInline(measure('number', text('stddev_pop('), ref('score', 'dimension'), text(')'))), true);
  // Measures combined with plain functions and arithmetic are not.
  assert.equal(aggregatesInline(measure('number', ref('a', 'measure'), text(' / NULLIF('), ref('b', 'measure'), text(', 0)'))), false);
  assert.equal(aggregatesInline(measure('number', text('summary + 1'))), false);
  // Only number measures: a sum over a column is a plain leaf.
  assert.equal(aggregatesInline(measure('sum', { kind: 'cube', cube: 'C' }, text('.x'))), false);
  assert.equal(aggregatesInline(measure('count')), false);
});
