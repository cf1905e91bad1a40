import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { loadModel, type Model } from '../model/index.js';
import { compileToSql } from '../query/index.js';
import type { DuckDbStore } from '../store/index.js';
import { NOW, offersStore } from '../../test/fixtures/models/offers-data.js';
import { DIALECTS, type Dialect } from './index.js';
import { allAccess } from '../query/index.js';

// Kysely-style: the SQL each dialect must produce, side by side, then the DuckDB text executed.
type Expected = Record<Dialect['name'], string> & { params: unknown[]; clickhouseParams?: unknown[] };
// ClickHouse (before 22.7) reads `GROUP BY 1` as a constant: it groups and orders by alias; its
// values are typed markers `{pN:Type}` that the ClickHouse store binds (src/engines/clickhouse/clickhouse-literal.ts).

let shipped: Model;
let fanOut: Model;
let store: DuckDbStore;
before(async () => {
  shipped = await loadModel('model');
  fanOut = await loadModel('test/fixtures/models/fan-out');
  store = await offersStore();
});
after(() => store.close());

const ACCEPTED = {
  duckdb: `"offers".accepted_at IS NOT NULL AND "offers".accepted_at <= ("offers".offered_at + INTERVAL (30) DAY) AND "offers".accepted_at <= CAST($2 AS TIMESTAMP)`,
  postgres: `"offers".accepted_at IS NOT NULL AND "offers".accepted_at <= ("offers".offered_at + make_interval(days => 30)) AND "offers".accepted_at <= $2::timestamptz`,
};

const SHAPES: { name: string; model: () => Model; query: Record<string, unknown>; expected: Expected; rows: number }[] = [
  {
    name: 'a month grain in a time zone, with a date range',
    model: () => shipped,
    query: { measures: ['Offers.accepted'], timeDimensions: [{ dimension: 'Offers.offeredAt', granularity: 'month', dateRange: ['2025-01-01', '2025-03-31'] }], timezone: 'Europe/Berlin' },
    expected: {
      duckdb: `SELECT
  date_trunc('month', timezone($1, CAST(("offers".offered_at) AS TIMESTAMPTZ))) "offers__offered_at_month",
  count(CASE WHEN (${ACCEPTED.duckdb}) THEN ("offers".offer_id) END) "offers__accepted"
FROM offers AS "offers"
WHERE ((("offers".offered_at) >= CAST($3 AS TIMESTAMP)) AND (("offers".offered_at) <= CAST($4 AS TIMESTAMP)))
GROUP BY 1
ORDER BY 1 ASC NULLS LAST
LIMIT 10000`,
      postgres: `SELECT
  date_trunc('month', ((("offers".offered_at))::timestamptz AT TIME ZONE $1::text)) "offers__offered_at_month",
  count(CASE WHEN (${ACCEPTED.postgres}) THEN ("offers".offer_id) END) "offers__accepted"
FROM offers AS "offers"
WHERE ((("offers".offered_at) >= $3::timestamptz) AND (("offers".offered_at) <= $4::timestamptz))
GROUP BY 1
ORDER BY 1 ASC NULLS LAST
LIMIT 10000`,
      clickhouse: `SELECT
  toStartOfMonth(toTimeZone(("offers".offered_at), {p1:String})) "offers__offered_at_month",
  count(CASE WHEN ("offers".accepted_at IS NOT NULL AND "offers".accepted_at <= addDays("offers".offered_at, 30) AND "offers".accepted_at <= {p2:DateTime}) THEN ("offers".offer_id) END) "offers__accepted"
FROM offers AS "offers"
WHERE ((("offers".offered_at) >= {p3:DateTime}) AND (("offers".offered_at) <= {p4:DateTime}))
GROUP BY "offers__offered_at_month"
ORDER BY "offers__offered_at_month" ASC NULLS LAST
LIMIT 10000`,
      params: ['Europe/Berlin', NOW.toISOString(), '2024-12-31T23:00:00.000Z', '2025-03-31T21:59:59.999999Z'],
      // Millisecond precision: the inclusive end is not widened to microseconds.
      clickhouseParams: ['Europe/Berlin', NOW.toISOString(), '2024-12-31T23:00:00.000Z', '2025-03-31T21:59:59.999Z'],
    },
    rows: 3,
  },
  {
    name: 'dimension filters, a measure filter, order, limit and offset',
    model: () => shipped,
    query: {
      measures: ['Offers.count'],
      dimensions: ['Offers.channel'],
      filters: [{ member: 'Offers.offerName', operator: 'contains', values: ['pro'] }, { member: 'Offers.campaign', operator: 'in', values: ['spring', null] }, { member: 'Offers.count', operator: 'gte', values: ['1'] }],
      order: [['Offers.channel', 'asc']],
      limit: 5,
      offset: 1,
    },
    expected: {
      duckdb: `SELECT
  ("offers".channel) "offers__channel",
  count(("offers".offer_id)) "offers__count"
FROM offers AS "offers"
WHERE ((("offers".offer_name) ILIKE '%' || $1 || '%' ESCAPE '\\')) AND (((("offers".campaign) IN ($2)) OR (("offers".campaign) IS NULL)))
GROUP BY 1
HAVING (count(("offers".offer_id)) >= $3)
ORDER BY 1 ASC NULLS LAST
LIMIT 5
OFFSET 1`,
      postgres: `SELECT
  ("offers".channel) "offers__channel",
  count(("offers".offer_id)) "offers__count"
FROM offers AS "offers"
WHERE ((("offers".offer_name) ILIKE '%' || $1::text || '%')) AND (((("offers".campaign) IN ($2::text)) OR (("offers".campaign) IS NULL)))
GROUP BY 1
HAVING (count(("offers".offer_id)) >= $3)
ORDER BY 1 ASC NULLS LAST
LIMIT 5
OFFSET 1`,
      clickhouse: `SELECT
  ("offers".channel) "offers__channel",
  count(("offers".offer_id)) "offers__count"
FROM offers AS "offers"
WHERE ((lowerUTF8(("offers".offer_name)) LIKE lowerUTF8(concat('%', {p1:String}, '%')))) AND (((("offers".campaign) IN ({p2:String})) OR (("offers".campaign) IS NULL)))
GROUP BY "offers__channel"
HAVING (count(("offers".offer_id)) >= {p3:Float64})
ORDER BY "offers__channel" ASC NULLS LAST
LIMIT 5
OFFSET 1`,
      params: ['pro', 'spring', 1],
    },
    rows: 2,
  },
  {
    name: 'a many-to-one join and a segment',
    model: () => shipped,
    query: { measures: ['Offers.customersOffered'], dimensions: ['Customers.engagementTier'], segments: ['Offers.upsells'] },
    expected: {
      duckdb: `SELECT
  (CASE WHEN "customers".engagement_score IS NULL THEN NULL WHEN "customers".engagement_score < 40 THEN 'low' WHEN "customers".engagement_score < 70 THEN 'medium' ELSE 'high' END) "customers__engagement_tier",
  count(DISTINCT "offers".customer_id) "offers__customers_offered"
FROM offers AS "offers"
LEFT JOIN customers AS "customers" ON "offers".customer_id = "customers".customer_id
WHERE ("offers".offer_type = 'upsell')
GROUP BY 1
ORDER BY 2 DESC NULLS LAST
LIMIT 10000`,
      clickhouse: `SELECT
  (CASE WHEN "customers".engagement_score IS NULL THEN NULL WHEN "customers".engagement_score < 40 THEN 'low' WHEN "customers".engagement_score < 70 THEN 'medium' ELSE 'high' END) "customers__engagement_tier",
  ifNull(uniqExactIf("offers".customer_id, toString("offers".customer_id) != ''), 0) "offers__customers_offered"
FROM offers AS "offers"
LEFT JOIN customers AS "customers" ON "offers".customer_id = "customers".customer_id
WHERE ("offers".offer_type = 'upsell')
GROUP BY "customers__engagement_tier"
ORDER BY "offers__customers_offered" DESC NULLS LAST
LIMIT 10000`,
      params: [],
      postgres: '',
    },
    rows: 4, // low, medium, high, and null (no score, or no customer row)
  },
  {
    name: 'a sum on the one side of a one-to-many join: aggregated per primary key',
    model: () => fanOut,
    query: { measures: ['Accounts.totalMrr'], dimensions: ['Deals.offerType'] },
    expected: {
      duckdb: `SELECT
  "q_0"."deals__offer_type" "deals__offer_type",
  "q_0"."m__Accounts__totalMrr" "accounts__total_mrr"
FROM (
  SELECT
    "keys"."deals__offer_type" "deals__offer_type",
    sum("accounts".mrr) "m__Accounts__totalMrr"
  FROM (
    SELECT DISTINCT
      ("deals".offer_type) "deals__offer_type",
      ("accounts".customer_id) "__pk_0"
    FROM customers AS "accounts"
    LEFT JOIN (SELECT * FROM offers) AS "deals" ON "accounts".customer_id = "deals".customer_id
  ) AS "keys"
  LEFT JOIN customers AS "accounts" ON "keys"."__pk_0" = ("accounts".customer_id)
  GROUP BY 1
) AS "q_0"
ORDER BY 2 DESC NULLS LAST
LIMIT 10000`,
      clickhouse: `SELECT
  "q_0"."deals__offer_type" "deals__offer_type",
  "q_0"."m__Accounts__totalMrr" "accounts__total_mrr"
FROM (
  SELECT
    "keys"."deals__offer_type" "deals__offer_type",
    sum("accounts".mrr) "m__Accounts__totalMrr"
  FROM (
    SELECT DISTINCT
      ("deals".offer_type) "deals__offer_type",
      ("accounts".customer_id) "__pk_0"
    FROM customers AS "accounts"
    LEFT JOIN (SELECT * FROM offers) AS "deals" ON "accounts".customer_id = "deals".customer_id
  ) AS "keys"
  LEFT JOIN customers AS "accounts" ON "keys"."__pk_0" = ("accounts".customer_id)
  GROUP BY "deals__offer_type"
) AS "q_0"
ORDER BY "accounts__total_mrr" DESC NULLS LAST
LIMIT 10000`,
      params: [],
      postgres: '',
    },
    rows: 2,
  },
];
// Where PostgreSQL prints the same text, say so once instead of repeating it.
for (const s of SHAPES) if (s.expected.postgres === '') s.expected.postgres = s.expected.duckdb;

describe('generated SQL per dialect', () => {
  test('the dialect registry is not empty (the loops below cannot pass vacuously)', () => {
    assert.ok(DIALECTS.length >= 3);
    assert.deepEqual(DIALECTS.map((d) => d.name).sort(), ['clickhouse', 'duckdb', 'postgres']);
  });

  for (const shape of SHAPES) {
    for (const dialect of DIALECTS) {
      test(`${shape.name} — ${dialect.name}`, () => {
        const got = compileToSql(shape.model(), shape.query, { now: NOW, access: allAccess('local'), dialect });
        assert.ok(!Array.isArray(got));
        const [sql, params] = got.sql['sql'] as [string, unknown[]];
        assert.equal(sql, shape.expected[dialect.name]);
        assert.deepEqual(params, (dialect.name === 'clickhouse' ? shape.expected.clickhouseParams : undefined) ?? shape.expected.params);
      });
    }
    test(`${shape.name} — runs on DuckDB`, async () => {
      const got = compileToSql(shape.model(), shape.query, { now: NOW, access: allAccess('local'), dialect: DIALECTS[0] as Dialect });
      assert.ok(!Array.isArray(got));
      const [sql, params] = got.sql['sql'] as [string, never[]];
      assert.equal((await store.query(sql, params)).length, shape.rows);
    });
  }
});
