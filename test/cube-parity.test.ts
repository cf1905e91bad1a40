/**
 * Exact decimals on the server engines, as a real Cube server sends them: PostgreSQL's numeric as
 * the server's own text (`"0.17334181869608259086"`, not a double's `"0.1733418186960826"`),
 * ClickHouse's Decimal likewise; doubles keep their usual text. Expected values are the engine's
 * own text for the same expression in plain SQL. Each run works in a schema (PostgreSQL) or
 * database (ClickHouse) of its own; an engine whose server is down is skipped (a failure under CI).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { loadModel, shippedModelDir, type Model } from '../src/model/index.js';
import { allAccess, answerQuery } from '../src/query/index.js';
import { openClickHouseStore, type ClickHouseStore } from '../src/engines/clickhouse/index.js';
import { PostgresStore } from '../src/store/index.js';
import { locateServer, skipUnlessReady } from './engines.js';

const NAME = `uprate_cubeparity_${process.pid}`;
const NOW = new Date('2025-07-15T00:00:00Z');
const pgSlot = await locateServer('postgres', NAME);
const chSlot = await locateServer('clickhouse', NAME);
const pgSkip = skipUnlessReady(pgSlot);
const chSkip = skipUnlessReady(chSlot);
if (pgSkip) console.log(`# cube-parity: skipping PostgreSQL: ${pgSkip}`);
if (chSkip) console.log(`# cube-parity: skipping ClickHouse: ${chSkip}`);

describe('PostgreSQL numeric', { skip: pgSkip }, () => {
  let store: PostgresStore;
  let seedFixed: Model;
  let shipped: Model;

  before(async () => {
    store = await PostgresStore.open(pgSlot.ready?.where ?? '');
    seedFixed = await loadModel('test/fixtures/models/seed-fixed');
    shipped = await loadModel(shippedModelDir());
    // The seed's table: sums of integers are numeric in PostgreSQL, and so is `* 1.0 /` of them.
    await store.run('CREATE TABLE upsell_offers (id INTEGER, customer_id INTEGER, offer_date TIMESTAMP, total_upsell_offers INTEGER, successful_upsells INTEGER)');
    await store.run(`INSERT INTO upsell_offers VALUES
      (1, 10, '2025-01-05', 1200, 200), (2, 11, '2025-02-07', 1300, 250), (3, 12, '2025-03-09', 999, 123)`);
    await store.run(`INSERT INTO offers (offer_id, customer_id, offered_at, offer_type, offer_name, accepted_at, revenue) VALUES
      ('a', 'c1', '2025-06-01', 'upsell', 'Pro', '2025-06-02', 1234567890123456.78),
      ('b', 'c1', '2025-06-03', 'upsell', 'Pro', '2025-06-04', 1.01),
      ('c', 'c2', '2025-06-05', 'upsell', 'Pro', NULL, NULL)`);
  });
  after(async () => {
    await store?.run(`DROP SCHEMA IF EXISTS ${NAME} CASCADE`);
    await store?.close();
  });

  test("a number measure over sums keeps PostgreSQL's digits", async () => {
    const { results } = await answerQuery(store, seedFixed, { measures: ['UpsellOffers.upsellConversionRate', 'UpsellOffers.totalUpsellOffers'] }, { now: NOW, access: allAccess('local') });
    const [row] = results[0]?.data ?? [];
    const [expected] = await store.query<{ rate: string; total: string }>(
      'SELECT (sum(successful_upsells) * 1.0 / NULLIF(sum(total_upsell_offers), 0))::text AS rate, sum(total_upsell_offers)::text AS total FROM upsell_offers',
    );
    assert.equal(row?.['UpsellOffers.upsellConversionRate'], expected?.rate);
    // 573 / 3499 to PostgreSQL's 20 decimal places; a double would have kept 16 of them.
    assert.equal(expected?.rate, '0.16376107459274078308');
    assert.notEqual(String(Number(expected?.rate)), expected?.rate);
    assert.equal(row?.['UpsellOffers.totalUpsellOffers'], expected?.total);
    assert.equal(expected?.total, '3499');
  });

  test('numeric revenue and a ratio of counts: the server text, trailing zeros included', async () => {
    const { results } = await answerQuery(store, shipped, { measures: ['Offers.expansionRevenue', 'Offers.conversionRate'] }, { now: NOW, access: allAccess('local') });
    const [row] = results[0]?.data ?? [];
    const [expected] = await store.query<{ rev: string; rate: string }>(
      'SELECT sum(revenue)::text AS rev, (count(accepted_at) * 1.0 / NULLIF(count(*), 0))::text AS rate FROM offers',
    );
    assert.deepEqual([row?.['Offers.expansionRevenue'], row?.['Offers.conversionRate']], [expected?.rev, expected?.rate]);
    assert.deepEqual([expected?.rev, expected?.rate], ['1234567890123457.79', '0.66666666666666666667']);
  });

  test('the store returns numeric as text only when asked; doubles stay numbers', async () => {
    const sql = 'SELECT 1.50::numeric(18, 2) AS d, 0.5::float8 AS f, 7::int8 AS n';
    assert.deepEqual(await store.query(sql, [], { exactDecimals: true }), [{ d: '1.50', f: 0.5, n: 7n }]);
    assert.deepEqual(await store.query(sql, [], { exactDecimals: true, timeoutMs: 10_000 }), [{ d: '1.50', f: 0.5, n: 7n }]);
    assert.deepEqual(await store.query(sql), [{ d: 1.5, f: 0.5, n: 7n }]);
  });
});

describe('ClickHouse Decimal', { skip: chSkip }, () => {
  let store: ClickHouseStore;

  before(async () => {
    store = await openClickHouseStore(chSlot.ready?.where ?? '');
  });
  after(async () => {
    if (!store) return;
    for (const shard of store.shards) {
      for (const db of [NAME, `${NAME}_shard`]) await shard.request(`DROP DATABASE IF EXISTS ${db}`, { what: 'test clean-up' });
    }
    await store.close();
  });

  test("a Decimal as ClickHouse's text; floats, integers and strings as before", async () => {
    const exprs = {
      d: "toDecimal128('12345678901234567890.123456789', 9)",
      s: "toDecimal64('1.50', 2) + toDecimal64('2.25', 2)",
      f: 'toFloat64(1) / 3',
      n: 'toUInt64(7)',
      t: "'12.50'",
    };
    const sql = `SELECT ${Object.entries(exprs).map(([k, e]) => `${e} AS ${k}`).join(', ')}`;
    const [exact] = await store.query(sql, [], { exactDecimals: true });
    const [texts] = await store.query(`SELECT toString(${exprs.d}) AS d, toString(${exprs.s}) AS s`);
    const [plain] = await store.query(sql);
    assert.deepEqual(exact, { d: texts?.['d'], s: texts?.['s'], f: plain?.['f'], n: 7, t: '12.50' });
    assert.equal(texts?.['d'], '12345678901234567890.123456789');
    assert.equal(plain?.['f'], 1 / 3);
    assert.equal(typeof plain?.['d'], 'number', 'without the option, as before');
  });
});
