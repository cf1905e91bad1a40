import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { loadModel, shippedModelDir, type Model } from '../model/index.js';
import { duckdbDialect } from '../sql/index.js';
import type { DuckDbStore } from '../store/index.js';
import { NOW, OFFERS, offersStore } from '../../test/fixtures/models/offers-data.js';
import { answerQuery, buildPlan, dryRun, normalizeRequest, queryKey } from './index.js';
import { allAccess, tenantAccess } from './access.js';

let model: Model;
let store: DuckDbStore;
before(async () => {
  model = await loadModel(shippedModelDir());
  store = await offersStore();
});
after(() => store.close());

const load = async (query: Record<string, unknown>) => (await answerQuery(store, model, query, { now: NOW, access: allAccess('local') })).results;
const day = 86400000;

test('the KPI measures agree with plain SQL over the same rows', async () => {
  const [r] = await load({ measures: ['Offers.count', 'Offers.accepted', 'Offers.pending', 'Offers.conversionRate', 'Offers.customersOffered', 'Offers.customersConverted', 'Offers.expansionRevenue', 'Offers.avgDaysToAccept'] });
  const [e] = await store.query(`
    WITH o AS (SELECT *, accepted_at IS NOT NULL AND accepted_at <= offered_at + INTERVAL 30 DAY AND accepted_at <= TIMESTAMP '2025-03-20 10:00:00' AS ok FROM offers)
    SELECT count(*) AS n, count(*) FILTER (WHERE ok) AS a,
      count(*) FILTER (WHERE NOT ok AND (declined_at IS NULL OR declined_at > TIMESTAMP '2025-03-20 10:00:00') AND offered_at + INTERVAL 30 DAY > TIMESTAMP '2025-03-20 10:00:00') AS p,
      count(DISTINCT customer_id) AS co, count(DISTINCT customer_id) FILTER (WHERE ok) AS cc,
      (sum(revenue) FILTER (WHERE ok))::VARCHAR AS rev, avg(date_diff('second', offered_at, accepted_at) / 86400.0) FILTER (WHERE ok) AS days
    FROM o`);
  assert.deepEqual(r?.data, [{
    'Offers.count': String(e?.['n']),
    'Offers.accepted': String(e?.['a']),
    'Offers.pending': String(e?.['p']),
    'Offers.conversionRate': String(Number(e?.['a']) / Number(e?.['n'])),
    'Offers.customersOffered': String(e?.['co']),
    'Offers.customersConverted': String(e?.['cc']),
    'Offers.expansionRevenue': String(e?.['rev']),
    'Offers.avgDaysToAccept': String(e?.['days']),
  }]);
});

test('status per offer: accepted, declined, pending, expired (an acceptance after the clock does not count yet)', async () => {
  const [r] = await load({ dimensions: ['Offers.offerId', 'Offers.status'], order: { 'Offers.offerId': 'asc' } });
  assert.deepEqual(Object.fromEntries(r?.data.map((d) => [d['Offers.offerId'], d['Offers.status']]) ?? []), {
    o01: 'accepted', o02: 'declined', o03: 'accepted', o04: 'expired', o05: 'pending', o06: 'accepted', o07: 'pending', o08: 'pending',
  });
});

test('day grain in Europe/Berlin: the offer at 23:30 UTC on 31 January falls on 1 February', async () => {
  const query = { measures: ['Offers.count'], timeDimensions: [{ dimension: 'Offers.offeredAt', granularity: 'day', dateRange: ['2025-01-31', '2025-02-01'] }] };
  const [utc] = await load(query);
  const [berlin] = await load({ ...query, timezone: 'Europe/Berlin' });
  assert.deepEqual(utc?.data, [{ 'Offers.offeredAt.day': '2025-01-31T00:00:00.000', 'Offers.offeredAt': '2025-01-31T00:00:00.000', 'Offers.count': '1' }]);
  assert.deepEqual(berlin?.data, [{ 'Offers.offeredAt.day': '2025-02-01T00:00:00.000', 'Offers.offeredAt': '2025-02-01T00:00:00.000', 'Offers.count': '1' }]);
  assert.equal(berlin?.query.timezone, 'Europe/Berlin');
});

test('a relative date range with the injected clock, echoed resolved', async () => {
  const [r] = await load({ measures: ['Offers.count'], timeDimensions: [{ dimension: 'Offers.offeredAt', dateRange: 'last 30 days' }] });
  assert.deepEqual(r?.query.timeDimensions, [{ dimension: 'Offers.offeredAt', dateRange: ['2025-02-18T00:00:00.000', '2025-03-19T23:59:59.999'] }]);
  const from = Date.parse('2025-02-18T00:00:00Z');
  assert.equal(r?.data[0]?.['Offers.count'], String(OFFERS.filter((o) => Date.parse(o.offered_at) >= from && Date.parse(o.offered_at) < from + 30 * day).length));
});

test('compareDateRange: one result per range, each row tagged', async () => {
  const answer = await answerQuery(store, model, {
    measures: ['Offers.count'],
    timeDimensions: [{ dimension: 'Offers.offeredAt', granularity: 'month', compareDateRange: [['2025-01-01', '2025-01-31'], 'last month'] }],
  }, { now: NOW, access: allAccess('local') });
  assert.equal(answer.queryType, 'compareDateRangeQuery');
  assert.deepEqual(answer.results.map((r) => r.data), [
    [{ 'Offers.offeredAt.month': '2025-01-01T00:00:00.000', 'Offers.offeredAt': '2025-01-01T00:00:00.000', 'Offers.count': '3', compareDateRange: '2025-01-01T00:00:00.000 - 2025-01-31T23:59:59.999' }],
    [{ 'Offers.offeredAt.month': '2025-02-01T00:00:00.000', 'Offers.offeredAt': '2025-02-01T00:00:00.000', 'Offers.count': '2', compareDateRange: '2025-02-01T00:00:00.000 - 2025-02-28T23:59:59.999' }],
  ]);
  assert.deepEqual(answer.pivotQuery['dimensions'], ['compareDateRange']);
  assert.equal(answer.pivotQuery['queryType'], 'compareDateRangeQuery');
});

test('total ignores limit and offset; offset pages', async () => {
  const [r] = await load({ dimensions: ['Offers.offerId'], order: { 'Offers.offerId': 'asc' }, limit: 3, offset: 2, total: true });
  assert.deepEqual(r?.data.map((d) => d['Offers.offerId']), ['o03', 'o04', 'o05']);
  assert.equal(r?.total, OFFERS.length);
});

test('ungrouped: one row per offer, measures per row', async () => {
  const [r] = await load({ measures: ['Offers.accepted'], dimensions: ['Offers.offerId'], ungrouped: true, order: { 'Offers.offerId': 'asc' }, limit: 2 });
  assert.deepEqual(r?.data, [{ 'Offers.offerId': 'o01', 'Offers.accepted': '1' }, { 'Offers.offerId': 'o02', 'Offers.accepted': '0' }]);
});

test('ungrouped: a count_distinct is 1 or 0 per row, so rates built on it compute', async () => {
  const [r] = await load({ measures: ['Offers.customersOffered', 'Offers.customersConverted', 'Offers.customerConversionRate', 'Offers.accepted'], dimensions: ['Offers.offerId'], ungrouped: true, order: { 'Offers.offerId': 'asc' }, limit: 2 });
  // o01 was accepted, o02 not (the test above): each row holds one customer, converted or not.
  assert.deepEqual(r?.data.map((d) => [d['Offers.customersOffered'], d['Offers.customersConverted'], Number(d['Offers.customerConversionRate']), d['Offers.accepted']]), [
    ['1', '1', 1, '1'],
    ['1', '0', 0, '0'],
  ]);
});

test('Cube.dim.granularity in dimensions becomes a time dimension; default order follows Cube', async () => {
  const [r] = await load({ measures: ['Offers.count'], dimensions: ['Offers.offeredAt.quarter'] });
  assert.deepEqual(r?.query.timeDimensions, [{ dimension: 'Offers.offeredAt', granularity: 'quarter' }]);
  assert.deepEqual(r?.data, [{ 'Offers.offeredAt.quarter': '2025-01-01T00:00:00.000', 'Offers.offeredAt': '2025-01-01T00:00:00.000', 'Offers.count': '8' }]);
  const [byType] = await load({ measures: ['Offers.count'], dimensions: ['Offers.offerType'] });
  assert.deepEqual(byType?.data.map((d) => d['Offers.offerType']), ['upsell', 'cross_sell'], 'first measure, descending');
});

test('a plain time dimension is returned as stored, whatever the time zone (as Cube does)', async () => {
  const [r] = await load({ dimensions: ['Offers.offeredAt'], filters: [{ member: 'Offers.offerId', operator: 'equals', values: ['o03'] }], timezone: 'Europe/Berlin' });
  assert.deepEqual(r?.data, [{ 'Offers.offeredAt': '2025-01-31T23:30:00.000' }]);
});

test('plans are frozen data', () => {
  const request = normalizeRequest({ measures: ['Offers.count'], filters: [{ member: 'Offers.channel', operator: 'set' }] }, NOW);
  const plan = buildPlan(model, request.queries[0] ?? assert.fail(), request.orderGiven, { now: NOW, access: allAccess('local') });
  assert.equal(plan.kind, 'queryPlan');
  assert.ok(Object.isFrozen(plan) && Object.isFrozen(plan.measures[0]) && Object.isFrozen(plan.where));
  assert.throws(() => (plan.measures as unknown as unknown[]).push(1));
});

test('dry run and cache keys', () => {
  const query = { measures: ['Offers.count'], dimensions: ['Offers.channel'] };
  const out = dryRun(model, query, { now: NOW, access: allAccess('local'), dialect: duckdbDialect });
  assert.equal(out['queryType'], 'regularQuery');
  assert.deepEqual(out['queryOrder'], [{ 'Offers.count': 'desc' }]);
  assert.deepEqual((out['normalizedQueries'] as unknown[]).length, 1);
  assert.equal((out['pivotQuery'] as Record<string, unknown>)['queryType'], 'regularQuery');
  const key = queryKey(model, query, { now: NOW, access: allAccess('local'), dialect: duckdbDialect });
  assert.equal(key, queryKey(model, { dimensions: ['Offers.channel'], measures: ['Offers.count'] }, { now: NOW, access: allAccess('local'), dialect: duckdbDialect }));
  assert.notEqual(key, queryKey(model, query, { now: NOW, access: tenantAccess([{ member: 'Offers.customerId', operator: 'equals', values: ['c1'] }]), dialect: duckdbDialect }));
});
