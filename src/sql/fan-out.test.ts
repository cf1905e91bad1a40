import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { loadModel, type Model } from '../model/index.js';
import { answerQuery } from '../query/index.js';
import type { DuckDbStore } from '../store/index.js';
import { NOW, offersStore } from '../../test/fixtures/models/offers-data.js';
import { allAccess } from '../query/index.js';

// Accounts (customers) one-to-many Deals (offers): Accounts' rows repeat once per deal, so its
// sums must be taken per account. Expected numbers come from hand-written SQL without joins
// that repeat rows; the naive join is shown to differ, so the test can fail.
let model: Model;
let store: DuckDbStore;
before(async () => {
  model = await loadModel('test/fixtures/models/fan-out');
  store = await offersStore();
});
after(() => store.close());

async function load(query: Record<string, unknown>) {
  const { results } = await answerQuery(store, model, { ...query, order: { [(query['dimensions'] as string[])[0] ?? '']: 'asc' } }, { now: NOW, access: allAccess('local') });
  return results[0]?.data ?? [];
}
const n = (v: unknown) => (v === null ? null : Number(v));

test('a sum on the one side is not multiplied by the many side', async () => {
  const data = await load({ measures: ['Accounts.totalMrr', 'Accounts.avgMrr', 'Accounts.count', 'Deals.count'], dimensions: ['Accounts.region'] });
  const expected = await store.query(`
    SELECT a.region, a.mrr, a.avg_mrr, a.n, d.deals FROM
      (SELECT region, sum(mrr) AS mrr, avg(mrr) AS avg_mrr, count(*) AS n FROM customers GROUP BY region) a
      JOIN (SELECT c.region, count(o.offer_id) AS deals FROM customers c LEFT JOIN offers o ON o.customer_id = c.customer_id GROUP BY c.region) d
      ON a.region = d.region ORDER BY a.region`);
  assert.deepEqual(
    data.map((r) => [r['Accounts.region'], n(r['Accounts.totalMrr']), n(r['Accounts.avgMrr']), n(r['Accounts.count']), n(r['Deals.count'])]),
    expected.map((e) => [e['region'], n(e['mrr']), n(e['avg_mrr']), n(e['n']), n(e['deals'])]),
  );
  const [naive] = await store.query(`SELECT sum(c.mrr) AS s FROM customers c LEFT JOIN offers o ON o.customer_id = c.customer_id WHERE c.region = 'us'`);
  assert.notEqual(n(naive?.['s']), n(data.find((r) => r['Accounts.region'] === 'us')?.['Accounts.totalMrr']), 'the naive join multiplies');
});

test('grouped by a dimension of the many side: each account counted once per group', async () => {
  // Accounts with two deals of one type (c1: two more upsells, c3: a second cross-sell) are the
  // case a naive join gets wrong: their mrr would count once per deal within the type's group.
  const many = await offersStore();
  try {
    for (const [id, customer, type, revenue] of [
      ['o09', 'c1', 'upsell', 50],
      ['o10', 'c1', 'upsell', null],
      ['o11', 'c3', 'cross_sell', 70],
    ] as const) {
      await many.run(`INSERT INTO offers VALUES ($1, $2, TIMESTAMP '2025-02-10 09:00:00', $3, 'Extra', 'email', NULL, NULL, NULL, $4)`, [id, customer, type, revenue]);
    }
    const { results } = await answerQuery(
      many,
      model,
      { measures: ['Accounts.totalMrr', 'Accounts.enterpriseMrr', 'Deals.revenue'], dimensions: ['Deals.offerType'], order: { 'Deals.offerType': 'asc' } },
      { now: NOW, access: allAccess('local') },
    );
    const data = results[0]?.data ?? [];
    // Per type, each account that has a deal of that type once: distinct (type, account) pairs first.
    const expected = await many.query(`
      SELECT k.offer_type, sum(c.mrr) AS mrr, sum(CASE WHEN c.account_size = 'enterprise' THEN c.mrr END) AS ent,
        (SELECT sum(o.revenue) FROM offers o JOIN customers c2 ON c2.customer_id = o.customer_id WHERE o.offer_type = k.offer_type) AS revenue
      FROM (SELECT DISTINCT o.offer_type, o.customer_id FROM offers o JOIN customers c ON c.customer_id = o.customer_id) k
      JOIN customers c ON c.customer_id = k.customer_id
      GROUP BY k.offer_type ORDER BY k.offer_type`);
    assert.deepEqual(
      data.map((r) => [r['Deals.offerType'], n(r['Accounts.totalMrr']), n(r['Accounts.enterpriseMrr']), n(r['Deals.revenue'])]),
      expected.map((e) => [e['offer_type'], n(e['mrr']), n(e['ent']), n(e['revenue'])]),
    );
    // By hand: upsell accounts c1 (100), c2 (200), c3 (1000), c4 (800) → 2100, enterprise 1800;
    // cross-sell c1, c2, c3 → 1300, enterprise 1000.
    assert.deepEqual(expected.map((e) => [e['offer_type'], n(e['mrr']), n(e['ent'])]), [['cross_sell', 1300, 1000], ['upsell', 2100, 1800]]);
    // The naive join counts c1's mrr three times among upsells and c3's twice among cross-sells.
    const naive = await many.query(`SELECT o.offer_type, sum(c.mrr) AS mrr, sum(CASE WHEN c.account_size = 'enterprise' THEN c.mrr END) AS ent
      FROM offers o JOIN customers c ON c.customer_id = o.customer_id GROUP BY o.offer_type ORDER BY o.offer_type`);
    assert.deepEqual(naive.map((e) => [e['offer_type'], n(e['mrr']), n(e['ent'])]), [['cross_sell', 2300, 2000], ['upsell', 2300, 1800]], 'the naive join multiplies');
  } finally {
    await many.close();
  }
});

test('a number measure over both sides, and a measure filter on a fanned-out sum', async () => {
  const data = await load({
    measures: ['Accounts.revenuePerMrr'],
    dimensions: ['Accounts.region'],
    filters: [{ member: 'Accounts.totalMrr', operator: 'gt', values: ['500'] }],
  });
  const expected = await store.query(`
    SELECT c.region, (SELECT sum(o.revenue) FROM offers o JOIN customers c2 ON c2.customer_id = o.customer_id WHERE c2.region = c.region) / sum(c.mrr) AS r
    FROM customers c GROUP BY c.region HAVING sum(c.mrr) > 500 ORDER BY c.region`);
  assert.deepEqual(
    data.map((r) => [r['Accounts.region'], n(r['Accounts.revenuePerMrr'])]),
    expected.map((e) => [e['region'], n(e['r'])]),
  );
});

test('the shipped model: a count of customers next to offers counts each customer once', async () => {
  const shipped = await loadModel('model');
  const { results } = await answerQuery(store, shipped, { measures: ['Customers.count', 'Offers.count'], dimensions: ['Customers.region'], order: { 'Customers.region': 'asc' } }, { now: NOW, access: allAccess('local') });
  const expected = await store.query(`SELECT c.region, count(DISTINCT c.customer_id) AS customers, count(*) AS offers
    FROM offers o LEFT JOIN customers c ON c.customer_id = o.customer_id GROUP BY c.region ORDER BY c.region NULLS LAST`);
  assert.deepEqual(
    results[0]?.data.map((r) => [r['Customers.region'], n(r['Customers.count']), n(r['Offers.count'])]),
    expected.map((e) => [e['region'], n(e['customers']), n(e['offers'])]),
  );
});
