// Tests for offer-counts.ts, written for the mutation run. Expected values are worked out by hand
// from the offers each test writes (or the rows its reader hands over), not by src/kpi:
//   addCounts: the cells' n, k, pending and customer sums added field by field;
//   countQuery: the Cube query of a request, its dateRange the first instant to the last millisecond;
//   fetchCounts: one series per segment, every period of the range, n = 0 where no row is;
//   sharedPeriodReader: each request gets the rows of its own periods, as its own read gives them.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { bindKpi, type CountRow, type KpiBinding } from '../kpi/index.js';
import { loadModel, shippedModelDir, type Model } from '../model/index.js';
import { DuckDbStore, type Row } from '../store/index.js';
import { addCounts, countQuery, fetchCounts, readPeriodRows, sharedPeriodReader, type CountRequest, type PeriodRowReader } from './offer-counts.js';
import { monthOf } from '../../test/alert-judging.js';

const AT = new Date('2025-01-15T00:00:00Z');
let model: Model;
let binding: KpiBinding;
let store: DuckDbStore;

before(async () => {
  model = await loadModel(shippedModelDir());
  binding = bindKpi(model, undefined);
  store = await DuckDbStore.open(':memory:');
  await store.run(`INSERT INTO customers (customer_id, account_size) VALUES ('c1', 'smb'), ('c2', 'enterprise')`);
  // Offers from November 2023 to June 2024, m + 1 of them in month m (November = 1 … June = 8),
  // all declined the day after: month m counts m + 1 offers, none accepted, none pending.
  await store.run(`INSERT INTO offers (offer_id, customer_id, offered_at, offer_type, offer_name, declined_at)
    SELECT 'o' || m || '-' || i, CASE WHEN i % 2 = 0 THEN 'c1' ELSE 'c2' END,
      TIMESTAMP '2023-11-10 09:00:00' + to_months(m - 1), 'upsell', 'Pro', TIMESTAMP '2023-11-11 09:00:00' + to_months(m - 1)
    FROM range(1, 9) AS months(m), range(0, 9) AS offers(i) WHERE i <= m`);
});
after(() => store.close());

const request = (from: string, until: string, extra: Partial<CountRequest> = {}): CountRequest => ({
  grain: 'month',
  from: new Date(from),
  until: new Date(until),
  dimensions: [],
  filters: [],
  at: AT,
  ...extra,
});

describe('addCounts', () => {
  const march = monthOf(2);
  const cell = (n: number, k: number, pending: number, clusters: { customers: number; offersSquared: number; acceptedSquared: number; acceptedOffers: number } | null) => ({
    ...march,
    n,
    k,
    pending,
    clusters,
  });

  test('adds n, k, pending and the customer sums of the cells there are; a missing cell adds nothing', () => {
    const a = cell(10, 4, 2, { customers: 3, offersSquared: 40, acceptedSquared: 6, acceptedOffers: 14 });
    const b = cell(5, 1, 0, null);
    const c = cell(7, 3, 1, { customers: 2, offersSquared: 25, acceptedSquared: 5, acceptedOffers: 11 });
    assert.deepEqual(addCounts(march, [a, undefined, b, c]), {
      start: march.start,
      end: march.end,
      label: '2024-03',
      n: 22,
      k: 8,
      pending: 3,
      clusters: { customers: 5, offersSquared: 65, acceptedSquared: 11, acceptedOffers: 25 },
    });
  });

  test('no customer sums anywhere: null; one cell with them: its own', () => {
    assert.equal(addCounts(march, [cell(5, 1, 0, null), undefined]).clusters, null);
    const only = { customers: 1, offersSquared: 9, acceptedSquared: 4, acceptedOffers: 6 };
    assert.deepEqual(addCounts(march, [cell(5, 1, 0, null), cell(3, 2, 0, only)]), { ...march, n: 8, k: 3, pending: 0, clusters: only });
  });

  test('no cells: zeros', () => {
    assert.deepEqual(addCounts(march, []), { ...march, n: 0, k: 0, pending: 0, clusters: null });
  });
});

describe('countQuery', () => {
  test('every period of the range in UTC: the dateRange ends a millisecond before `until`', () => {
    const q = countQuery(binding, request('2024-01-01T00:00:00Z', '2024-04-01T00:00:00Z', { dimensions: ['Offers.channel'], filters: [{ member: 'Offers.offerType', operator: 'equals', values: ['upsell'] }] }));
    assert.deepEqual(q, {
      measures: ['Offers.count', 'Offers.accepted', 'Offers.pending'],
      dimensions: ['Offers.channel'],
      timeDimensions: [{ dimension: 'Offers.offeredAt', granularity: 'month', dateRange: ['2024-01-01T00:00:00.000', '2024-03-31T23:59:59.999'] }],
      filters: [{ member: 'Offers.offerType', operator: 'equals', values: ['upsell'] }],
      order: [],
      limit: 50_000,
      timezone: 'UTC',
    });
  });
});

/** A row as a count read gives it: `offers` of which `accepted`, in the period starting `period`. */
function row(values: Record<string, string | null>, period: string, offers: number, accepted: number, clusters: CountRow['clusters']): CountRow {
  return { data: {}, values, period, periodStart: `${period}T00:00:00.000`, offers, accepted, pending: 0, revenue: 0, customersOffered: null, customersConverted: null, clusters };
}

describe('fetchCounts', () => {
  const months = ['2024-01', '2024-02', '2024-03'];
  const empty = (label: string, i: number) => ({ ...monthOf(i), label, n: 0, k: 0, pending: 0, clusters: null });
  const reading = (rows: CountRow[]): PeriodRowReader => () => Promise.resolve(rows);

  test('one series per value, every period of the range; a period without a row has n = 0; no customer sums without offers', async () => {
    const x = { customers: 2, offersSquared: 5, acceptedSquared: 1, acceptedOffers: 1 };
    const y = { customers: 1, offersSquared: 4, acceptedSquared: 4, acceptedOffers: 4 };
    const rows = [
      row({ 'Offers.channel': 'email' }, '2024-01-01', 3, 1, x),
      // A value that is not set comes as null (or not at all): one segment, values [null].
      row({}, '2024-02-01', 0, 0, { customers: 0, offersSquared: 0, acceptedSquared: 0, acceptedOffers: 0 }),
      row({ 'Offers.channel': 'email' }, '2024-02-01', 2, 2, y),
    ];
    const series = await fetchCounts(store, model, binding, request('2024-01-01T00:00:00Z', '2024-04-01T00:00:00Z', { dimensions: ['Offers.channel'] }), reading(rows));
    assert.deepEqual(series, [
      { values: ['email'], periods: [{ ...monthOf(0), n: 3, k: 1, pending: 0, clusters: x }, { ...monthOf(1), n: 2, k: 2, pending: 0, clusters: y }, empty('2024-03', 2)] },
      { values: [null], periods: [empty('2024-01', 0), { ...monthOf(1), n: 0, k: 0, pending: 0, clusters: null }, empty('2024-03', 2)] },
    ]);
  });

  test('no rows: the total is one series of empty periods; a split by a dimension has no series', async () => {
    const range = request('2024-01-01T00:00:00Z', '2024-04-01T00:00:00Z');
    assert.deepEqual(await fetchCounts(store, model, binding, range, reading([])), [{ values: [], periods: months.map(empty) }]);
    assert.deepEqual(await fetchCounts(store, model, binding, { ...range, dimensions: ['Offers.channel'] }, reading([])), []);
  });
});

/** The store with its reads of the offers table counted. */
function counted(target: DuckDbStore): { store: DuckDbStore; reads: () => number } {
  let n = 0;
  const query = target.query.bind(target);
  const spied = Object.create(target) as DuckDbStore;
  spied.query = (async (sql: string, ...rest: unknown[]) => {
    if (/\bFROM offers\b/.test(sql)) n++;
    return (query as (...a: unknown[]) => Promise<Row[]>)(sql, ...rest);
  }) as DuckDbStore['query'];
  return { store: spied, reads: () => n };
}

const periodsOf = (rows: readonly CountRow[]) => rows.map((r) => [r.period, r.offers]);

describe('sharedPeriodReader', () => {
  const UNTIL = '2024-07-01T00:00:00Z';
  const jan = request('2024-01-01T00:00:00Z', UNTIL);
  const april = request('2024-04-01T00:00:00Z', UNTIL);

  test('each request gets the rows of its own periods, from one read of the earliest start', async () => {
    const spy = counted(store);
    const read = sharedPeriodReader(spy.store, model, binding, [april, jan]);
    // Month m (November 2023 = 1) has m + 1 offers: January 4 … June 9.
    assert.deepEqual(periodsOf(await read(april)), [['2024-04-01', 7], ['2024-05-01', 8], ['2024-06-01', 9]]);
    assert.deepEqual(periodsOf(await read(jan)), [['2024-01-01', 4], ['2024-02-01', 5], ['2024-03-01', 6], ['2024-04-01', 7], ['2024-05-01', 8], ['2024-06-01', 9]]);
    assert.equal(spy.reads(), 1);
  });

  test('a request starting earlier than those it was made for, or not one of them, is read on its own', async () => {
    const read = sharedPeriodReader(store, model, binding, [april, jan]);
    const november = request('2023-11-01T00:00:00Z', UNTIL);
    assert.deepEqual(periodsOf(await read(november)), [['2023-11-01', 2], ['2023-12-01', 3], ['2024-01-01', 4], ['2024-02-01', 5], ['2024-03-01', 6], ['2024-04-01', 7], ['2024-05-01', 8], ['2024-06-01', 9]]);
    const otherEnd = request('2024-02-01T00:00:00Z', '2024-04-01T00:00:00Z');
    assert.deepEqual(periodsOf(await read(otherEnd)), [['2024-02-01', 5], ['2024-03-01', 6]]);
  });
});

describe('sharedPeriodReader at the row limit', () => {
  // 55,000 cells: 5,000 customers with one offer in each month from February to December 2022.
  // Read by customer, the months from February hold 55,000 rows (over the 50,000 a read returns);
  // those from July 30,000.
  let big: DuckDbStore;
  before(async () => {
    big = await DuckDbStore.open(':memory:');
    await big.run(`INSERT INTO offers (offer_id, customer_id, offered_at, offer_type, offer_name, declined_at)
      SELECT 'o' || m || '-' || c, 'c' || c, TIMESTAMP '2022-01-05 09:00:00' + to_months(m), 'upsell', 'Pro', TIMESTAMP '2022-01-06 09:00:00' + to_months(m)
      FROM range(1, 12) AS months(m), range(0, 5000) AS customers(c)`);
  });
  after(() => big.close());

  const byCustomer = (from: string) => request(from, '2023-01-01T00:00:00Z', { dimensions: ['Offers.customerId'] });
  const sorted = (rows: readonly CountRow[]) => rows.map((r) => `${r.period} ${r.values['Offers.customerId']} ${r.offers}`).sort();

  test('a wider read cut short is not trusted: the later request is read on its own; the earliest keeps its one read', async () => {
    const feb = byCustomer('2022-02-01T00:00:00Z');
    const july = byCustomer('2022-07-01T00:00:00Z');
    const spy = counted(big);
    const read = sharedPeriodReader(spy.store, model, binding, [feb, july]);
    assert.equal((await read(feb)).length, 50_000);
    assert.equal(spy.reads(), 1);
    const later = await read(july);
    assert.equal(later.length, 30_000);
    assert.equal(spy.reads(), 2);
    const alone = await readPeriodRows(big, model, binding, july);
    assert.deepEqual(sorted(later), sorted(alone));
    assert.deepEqual(new Set(later.map((r) => r.period)), new Set(['2022-07-01', '2022-08-01', '2022-09-01', '2022-10-01', '2022-11-01', '2022-12-01']));
  });
});
