/**
 * answerRows / summarizeRows: every group (beyond Cube's 50 000-row cap), the customer sample by
 * hash — the same customers node:crypto's md5 picks — with the threshold bound as a parameter on
 * every dialect, summaries against plain SQL, and the timeout and the cancel signal.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { UprateError } from '../core/errors.js';
import { generateDemo } from '../demo/index.js';
import { DIALECTS } from '../engines/dialect-registry.js';
import { loadModel, shippedModelDir, type Model } from '../model/index.js';
import { compileSql } from '../sql/index.js';
import { DuckDbStore } from '../store/index.js';
import type { QueryOptions, SqlValue } from '../store/store.js';
import { DEFAULT_LIMITS } from '../core/limits.js';
import { allAccess, tenantAccess } from './access.js';
import { answerRows, inSample, prepareRows, sampleBucket, sampleBuckets, sampledShare, summarizeRows } from './answer-rows.js';
import { MAX_LIMIT } from './normalize-query.js';

const NOW = new Date('2025-07-10T00:00:00Z');
const OPTIONS = { now: NOW, access: allAccess('local') } as const;
let store: DuckDbStore;
let model: Model;

before(async () => {
  store = await DuckDbStore.open(':memory:');
  await generateDemo(store, { rows: 60_000, seed: 7, end: new Date('2025-06-30T00:00:00Z') });
  model = await loadModel(shippedModelDir());
});
after(() => store?.close());

describe('the sample hash', () => {
  test('the first four hex digits of the md5 of the value as text; fractions in whole buckets', () => {
    assert.equal(sampleBucket('abc'), 0x9001); // md5('abc') = 900150983cd24fb0…
    assert.equal(sampleBucket(42), sampleBucket('42'));
    assert.equal(sampleBuckets(1), 65_536);
    assert.equal(sampleBuckets(0.05), 3277);
    assert.equal(sampleBuckets(1e-9), 1);
    assert.equal(sampledShare(0.5), 0.5);
    assert.equal(inSample('abc', 0.5), false);
    assert.equal(inSample('abc', 0.6), true);
    for (const bad of [0, -0.1, 1.5, Number.NaN]) assert.throws(() => sampleBuckets(bad), (e: unknown) => e instanceof UprateError && e.code === 'BAD_ARGUMENT');
  });

  test('every dialect: the hash of the dimension’s SQL, compared with a bound threshold (values never in the SQL text)', () => {
    const expected: Record<string, string> = {
      duckdb: `(substr(md5(CAST(("offers".customer_id) AS VARCHAR)), 1, 4) < $2)`,
      postgres: `((substr(md5(CAST(("offers".customer_id) AS text)), 1, 4) COLLATE "C") < $2::text)`,
      clickhouse: `(lower(substring(hex(MD5(toString(("offers".customer_id)))), 1, 4)) < {p2:String})`,
    };
    assert.equal(DIALECTS.length, 3);
    for (const dialect of DIALECTS) {
      const p = prepareRows(
        model,
        { dimensions: ['Offers.customerId'], measures: ['Offers.count'], filters: [{ member: 'Offers.offerName', operator: 'equals', values: ["O'Brien"] }] },
        { ...OPTIONS, sample: { member: 'Offers.customerId', fraction: 0.05 } },
        dialect,
      );
      const sql = compileSql(dialect, p.node);
      assert.ok(sql.sql.includes(expected[dialect.name] ?? '?'), `${dialect.name}:\n${sql.sql}`);
      assert.deepEqual(sql.params.slice(-1), ['0ccd']);
      assert.ok(!sql.sql.includes("O'Brien") && !sql.sql.includes('0ccd'));
      assert.ok(!/\bLIMIT\b|\bORDER BY\b/.test(sql.sql), 'no cap, no order');
    }
  });
});

describe('answerRows', { timeout: 120_000 }, () => {
  test('every group, beyond Cube’s 50 000-row limit', async () => {
    const rows = await answerRows(store, model, { dimensions: ['Offers.offerId'], measures: ['Offers.count'] }, OPTIONS);
    const [n] = await store.query('SELECT count(*) AS n FROM offers');
    assert.equal(rows.length, Number(n?.['n']));
    assert.ok(rows.length > MAX_LIMIT);
    assert.equal(new Set(rows.map((r) => r['Offers.offerId'])).size, rows.length);
  });

  test('the sample: the customers node:crypto’s md5 puts in the first fraction, whole', async () => {
    const all = await store.query<{ c: string; n: bigint }>('SELECT customer_id AS c, count(*) AS n FROM offers GROUP BY 1');
    for (const fraction of [0.05, 0.37]) {
      const rows = await answerRows(store, model, { dimensions: ['Offers.customerId'], measures: ['Offers.count'] }, { ...OPTIONS, sample: { member: 'Offers.customerId', fraction } });
      const got = new Map(rows.map((r) => [String(r['Offers.customerId']), Number(r['Offers.count'])]));
      const wanted = new Map(all.filter((r) => inSample(r.c, fraction)).map((r) => [r.c, Number(r.n)]));
      assert.deepEqual([...got].sort(), [...wanted].sort());
      assert.ok(Math.abs(got.size / all.length - fraction) < 0.03, `${got.size} of ${all.length}`);
    }
    // Offers of a sampled customer: all of them, whatever else is grouped.
    const perOffer = await answerRows(store, model, { dimensions: ['Offers.customerId', 'Offers.offerId'], measures: ['Offers.count'] }, { ...OPTIONS, sample: { member: 'Offers.customerId', fraction: 0.05 } });
    const wanted = all.filter((r) => inSample(r.c, 0.05)).reduce((s, r) => s + Number(r.n), 0);
    assert.equal(perOffer.length, wanted);
  });

  test('slices of the hash space: each customer in exactly one, as inSample decides', async () => {
    const query = { dimensions: ['Offers.customerId'], measures: ['Offers.count'] };
    const whole = await answerRows(store, model, query, { ...OPTIONS, sample: { member: 'Offers.customerId', fraction: 0.6 } });
    const bounds = [0, 0.1, 0.35, 0.6];
    const parts: string[] = [];
    for (let i = 1; i < bounds.length; i++) {
      const from = bounds[i - 1] ?? 0;
      const fraction = bounds[i] ?? 1;
      const rows = await answerRows(store, model, query, { ...OPTIONS, sample: { member: 'Offers.customerId', fraction, from } });
      assert.ok(rows.length > 0);
      for (const r of rows) assert.ok(inSample(String(r['Offers.customerId']), fraction, from));
      parts.push(...rows.map((r) => String(r['Offers.customerId'])));
    }
    assert.deepEqual(parts.sort(), whole.map((r) => String(r['Offers.customerId'])).sort());
    await assert.rejects(answerRows(store, model, query, { ...OPTIONS, sample: { member: 'Offers.customerId', fraction: 0.3, from: 0.3 } }), (e: unknown) => e instanceof UprateError && e.code === 'BAD_ARGUMENT');
  });

  test('the caller’s access applies', async () => {
    const access = tenantAccess([{ member: 'Customers.region', operator: 'equals', values: ['europe'] }]);
    const rows = await answerRows(store, model, { dimensions: ['Offers.customerId', 'Customers.region'], measures: ['Offers.count'] }, { now: NOW, access });
    const [n] = await store.query(`SELECT count(DISTINCT o.customer_id) AS n FROM offers o JOIN customers c USING (customer_id) WHERE c.region = 'europe'`);
    assert.equal(rows.length, Number(n?.['n']));
    assert.ok(rows.every((r) => r['Customers.region'] === 'europe'));
  });

  test('the limits’ timeout and the signal reach the engine; an aborted signal cancels the statement', async () => {
    const seen: QueryOptions[] = [];
    const watched = new Proxy(store, {
      get(target, key, receiver) {
        if (key !== 'query') return Reflect.get(target, key, receiver) as unknown;
        return (sql: string, params: SqlValue[], options: QueryOptions) => {
          seen.push(options);
          return target.query(sql, params, options);
        };
      },
    });
    const signal = new AbortController().signal;
    const query = { dimensions: ['Offers.offerType'], measures: ['Offers.count'] };
    await answerRows(watched, model, query, { ...OPTIONS, limits: { ...DEFAULT_LIMITS, queryTimeoutMs: 612345 }, signal });
    await summarizeRows(watched, model, query, { by: ['Offers.offerType'], columns: [{ name: 'n', fn: 'sum', of: 'Offers.count' }] }, { ...OPTIONS, timeoutMs: 599999 });
    assert.deepEqual(seen, [{ timeoutMs: 612345, signal }, { timeoutMs: 599999 }]);
    const aborted = new AbortController();
    aborted.abort();
    await assert.rejects(answerRows(store, model, query, { ...OPTIONS, signal: aborted.signal }), (e: unknown) => e instanceof UprateError && e.code === 'QUERY_CANCELLED');
  });
});

describe('summarizeRows', { timeout: 120_000 }, () => {
  test('per customer: sums and maxima over the groups, with conditions — as plain SQL', async () => {
    const cut = new Date('2025-04-01T00:00:00Z');
    const rows = await summarizeRows(
      store,
      model,
      { dimensions: ['Offers.customerId', 'Offers.offeredAt', 'Offers.offerType'], measures: ['Offers.count', 'Offers.accepted'] },
      {
        by: ['Offers.customerId'],
        columns: [
          { name: 'upsells', fn: 'sum', of: 'Offers.count', where: [{ member: 'Offers.offerType', is: 'upsell' }] },
          { name: 'early', fn: 'sum', of: 'Offers.count', minus: 'Offers.accepted', where: [{ member: 'Offers.offeredAt', atOrBefore: cut }] },
          { name: 'last', fn: 'max', of: 'Offers.offeredAt' },
          { name: 'lastAccepted', fn: 'max', of: 'Offers.offeredAt', where: [{ member: 'Offers.accepted', above: 0 }] },
        ],
      },
      { ...OPTIONS, sample: { member: 'Offers.customerId', fraction: 0.2 } },
    );
    const ok = `accepted_at IS NOT NULL AND accepted_at <= offered_at + INTERVAL 30 DAY AND accepted_at <= TIMESTAMP '2025-07-10'`;
    const sql = await store.query(`SELECT customer_id AS c, count(*) FILTER (WHERE offer_type = 'upsell') AS u,
        count(*) FILTER (WHERE offered_at <= TIMESTAMP '2025-04-01' AND NOT (${ok})) AS e,
        strftime(max(offered_at), '%Y-%m-%dT%H:%M:%S.000') AS l, strftime(max(offered_at) FILTER (WHERE ${ok}), '%Y-%m-%dT%H:%M:%S.000') AS la
      FROM offers GROUP BY 1`);
    const wanted = sql.filter((r) => inSample(String(r['c']), 0.2)).map((r) => [String(r['c']), { upsells: String(r['u']), early: String(r['e']), last: r['l'], lastAccepted: r['la'] }] as const);
    const got = rows.map((r) => [String(r.keys['Offers.customerId']), r.values] as const);
    const order = (a: readonly [string, unknown], b: readonly [string, unknown]) => (a[0] < b[0] ? -1 : 1);
    assert.deepEqual(got.sort(order), wanted.sort(order));
  });
});
