// Tests for read-counts.ts, written for the mutation run, on the eight hand-made offers of
// test/fixtures/models/offers-data.ts in an in-memory DuckDB: the Cube query a count request
// makes (written out by hand), the rows a read gives — compared with plain SQL on the same table,
// customer sums included — and the memo's bookkeeping.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { InternalError, UprateError } from '../core/errors.js';
import { loadModel, shippedModelDir, type Model } from '../model/index.js';
import { allAccess, type CubeFilterItem } from '../query/index.js';
import type { DuckDbStore } from '../store/index.js';
import { NOW, offersStore } from '../../test/fixtures/models/offers-data.js';
import { bindKpi, type KpiBinding } from './binding.js';
import { CountReads, countQuery, offerEdge, readCounts, readCountsTogether, type CountRow, type KpiSource } from './read-counts.js';

let model: Model;
let binding: KpiBinding;
let store: DuckDbStore;
before(async () => {
  model = await loadModel(shippedModelDir());
  binding = bindKpi(model, undefined);
  store = await offersStore();
});
after(() => store.close());

const source = (reads?: CountReads, extra: Partial<KpiSource> = {}): KpiSource => ({ store, model, binding, read: { now: NOW, access: allAccess('local') }, ...(reads ? { reads } : {}), ...extra });
const email: CubeFilterItem = { member: 'Offers.channel', operator: 'equals', values: ['email'] };
/** Rows in one order (a read without `order` gives its groups in any order). */
const sorted = (rows: readonly CountRow[]): CountRow[] => [...rows].sort((a, b) => JSON.stringify(a.values).localeCompare(JSON.stringify(b.values)));
const allSorted = (sets: readonly (readonly CountRow[])[]): CountRow[][] => sets.map(sorted);

test('countQuery: the bare request: offers, accepted and pending, no time dimension, no limit', () => {
  assert.deepEqual(countQuery(binding, {}), { measures: ['Offers.count', 'Offers.accepted', 'Offers.pending'], dimensions: [], filters: [], order: [] });
});

test('countQuery: every option: grain and range on the time dimension, revenue, dimensions, filters, limit, offset, time zone', () => {
  assert.deepEqual(
    countQuery(binding, {
      dimensions: ['Offers.channel'],
      grain: 'month',
      dateRange: ['2025-01-01', '2025-03-31'],
      filters: [email],
      extended: true,
      limit: 10,
      offset: 5,
      timezone: 'Europe/Paris',
    }),
    {
      measures: ['Offers.count', 'Offers.accepted', 'Offers.pending', 'Offers.expansionRevenue'],
      dimensions: ['Offers.channel'],
      timeDimensions: [{ dimension: 'Offers.offeredAt', granularity: 'month', dateRange: ['2025-01-01', '2025-03-31'] }],
      filters: [email],
      order: [],
      limit: 10,
      offset: 5,
      timezone: 'Europe/Paris',
    },
  );
});

test('countQuery: a range alone or a grain alone; limit and offset 0 are kept', () => {
  assert.deepEqual(countQuery(binding, { dateRange: ['2025-01-01', '2025-01-31'], limit: 0, offset: 0 }), {
    measures: ['Offers.count', 'Offers.accepted', 'Offers.pending'],
    dimensions: [],
    timeDimensions: [{ dimension: 'Offers.offeredAt', dateRange: ['2025-01-01', '2025-01-31'] }],
    filters: [],
    order: [],
    limit: 0,
    offset: 0,
  });
  assert.deepEqual(countQuery(binding, { grain: 'week' }).timeDimensions, [{ dimension: 'Offers.offeredAt', granularity: 'week' }]);
});

test('countQuery: a binding without pending and revenue measures: offers and accepted only, revenue or not', () => {
  const bare = { ...binding, pending: null, revenue: null };
  assert.deepEqual(countQuery(bare, { extended: true }).measures, ['Offers.count', 'Offers.accepted']);
  assert.deepEqual(countQuery(binding, { extended: false }).measures, ['Offers.count', 'Offers.accepted', 'Offers.pending']);
});

test('countQuery: the request’s lists are copied, not shared', () => {
  const dimensions = ['Offers.channel'];
  const range: [string, string] = ['2025-01-01', '2025-01-31'];
  const filters = [email];
  const q = countQuery(binding, { dimensions, dateRange: range, filters });
  assert.notEqual(q.dimensions, dimensions);
  assert.notEqual(q.filters, filters);
  assert.notEqual(q.timeDimensions?.[0]?.dateRange, range);
});

/**
 * Plain SQL on the same rows: per channel and month (UTC), offers, accepted within 30 days and by
 * NOW, pending (neither, window open at NOW), revenue of all offers, and the customer sums
 * (customers, Σn², Σk², Σk·n, customers with an acceptance).
 */
async function plain(): Promise<Record<string, unknown>[]> {
  const now = NOW.toISOString().slice(0, 19).replace('T', ' ');
  return store.query(
    `WITH o AS (
       SELECT channel, customer_id, strftime(date_trunc('month', offered_at), '%Y-%m-%d') AS period, revenue,
         (accepted_at IS NOT NULL AND accepted_at <= offered_at + INTERVAL 30 DAY AND accepted_at <= TIMESTAMP '${now}')::INTEGER AS acc,
         (NOT (accepted_at IS NOT NULL AND accepted_at <= offered_at + INTERVAL 30 DAY AND accepted_at <= TIMESTAMP '${now}')
          AND NOT (declined_at IS NOT NULL AND declined_at <= TIMESTAMP '${now}') AND offered_at + INTERVAL 30 DAY > TIMESTAMP '${now}')::INTEGER AS pend
       FROM offers),
     per_customer AS (SELECT channel, period, customer_id, count(*) AS n, sum(acc) AS k FROM o GROUP BY ALL)
     SELECT g.channel, g.period, g.offers::INTEGER AS offers, g.accepted::INTEGER AS accepted, g.pending::INTEGER AS pending,
       c.customers::INTEGER AS customers, c.nn::INTEGER AS nn, c.kk::INTEGER AS kk, c.kn::INTEGER AS kn, c.converted::INTEGER AS converted
     FROM (SELECT channel, period, count(*) AS offers, sum(acc) AS accepted, sum(pend) AS pending FROM o GROUP BY ALL) g
     JOIN (SELECT channel, period, count(*) AS customers, sum(n * n) AS nn, sum(k * k) AS kk, sum(k * n) AS kn, count(*) FILTER (WHERE k > 0) AS converted
           FROM per_customer GROUP BY ALL) c ON g.channel IS NOT DISTINCT FROM c.channel AND g.period = c.period
     ORDER BY g.period, g.channel NULLS FIRST`,
  );
}

const byKey = (rows: readonly CountRow[]) =>
  rows
    .map((r) => ({
      channel: r.values['Offers.channel'] ?? null,
      period: r.period,
      offers: r.offers,
      accepted: r.accepted,
      pending: r.pending,
      customers: r.clusters?.customers,
      nn: r.clusters?.offersSquared,
      kk: r.clusters?.acceptedSquared,
      kn: r.clusters?.acceptedOffers,
      converted: r.customersConverted,
    }))
    .sort((a, b) => (a.period ?? '').localeCompare(b.period ?? '') || (a.channel === null ? -1 : b.channel === null ? 1 : a.channel.localeCompare(b.channel)));

test('readCounts: per channel and month: the counts and customer sums of plain SQL; a missing channel is null, the period its first day', async () => {
  const rows = await readCounts(source(), { dimensions: ['Offers.channel'], grain: 'month' });
  assert.deepEqual(byKey(rows), await plain());
  for (const r of rows) {
    assert.equal(r.periodStart?.slice(0, 10), r.period);
    assert.match(r.periodStart ?? '', /^\d{4}-\d{2}-01T00:00:00\.000$/);
    assert.equal(r.customersOffered, r.clusters?.customers);
    assert.equal(r.revenue, 0, 'no revenue asked for');
  }
  assert.ok(rows.some((r) => r.values['Offers.channel'] === null), 'o05 has no channel');
});

test('readCounts: with revenue: the sum of the revenue of accepted offers; without a grain no period', async () => {
  const [total] = await readCounts(source(), { extended: true });
  // Accepted by NOW within 30 days: o01 (120), o03 (300), o06 (40); o05 came late (not counted).
  assert.equal(total?.revenue, 460);
  assert.equal(total?.period, null);
  assert.equal(total?.periodStart, null);
  assert.deepEqual([total?.offers, total?.accepted], [8, 3]);
  assert.deepEqual(total?.values, {});
});

test('readCounts: not clustered (or no customer bound): a plain read without customer sums', async () => {
  for (const rows of [await readCounts(source(), { clustered: false, extended: true }), await readCounts(source(undefined, { binding: { ...binding, customer: null } }), { extended: true })]) {
    assert.equal(rows.length, 1);
    const [r] = rows;
    assert.deepEqual([r?.offers, r?.accepted, r?.revenue, r?.clusters, r?.customersOffered, r?.customersConverted], [8, 3, 460, null, null, null]);
    // Pending at NOW (2025-03-20 10:00): o05 (accepted only on 04-15, window to 03-30), o07 and o08;
    // o04 (made 02-14, window to 03-16) is over.
    assert.equal(r?.pending, 3);
  }
});

test('readCounts: a binding without pending or revenue measures: both 0', async () => {
  const [r] = await readCounts(source(undefined, { binding: { ...binding, pending: null, revenue: null } }), { extended: true });
  assert.deepEqual([r?.offers, r?.accepted, r?.pending, r?.revenue], [8, 3, 0, 0]);
});

test('CountReads bookkeeping: size and rows: reads kept, and the rows they hold (an empty or non-list answer counts one)', async () => {
  const reads = new CountReads();
  assert.deepEqual([reads.size, reads.rows], [0, 0]);
  await readCounts(source(reads), { dimensions: ['Offers.channel'] });
  // Channels: email, in_app, sales, checkout and none: five rows.
  assert.deepEqual([reads.size, reads.rows], [1, 5]);
  await reads.once(source(reads), 'empty', async () => []);
  await reads.once(source(reads), 'one', async () => 'answer');
  assert.deepEqual([reads.size, reads.rows], [3, 7]);
  // Asked again: no more rows kept.
  await reads.once(source(reads), 'one', async () => 'other');
  assert.deepEqual([reads.size, reads.rows], [3, 7]);
  assert.deepEqual(reads.stats, { run: 3, reused: 1 });
});

test('CountReads bookkeeping: a failed read is forgotten and adds no rows', async () => {
  const reads = new CountReads();
  await assert.rejects(reads.once(source(reads), 'k', async () => Promise.reject(new Error('boom'))), /boom/);
  await new Promise((r) => setImmediate(r));
  assert.deepEqual([reads.size, reads.rows], [0, 0]);
  assert.equal(reads.has(source(reads), 'k'), false);
});

test('CountReads bookkeeping: find: the earlier answer, counted as reused; nothing (and nothing counted) when not asked yet', async () => {
  const reads = new CountReads();
  assert.equal(reads.find(source(reads), 'k'), undefined);
  assert.deepEqual(reads.stats, { run: 0, reused: 0 });
  assert.equal(reads.has(source(reads), 'k'), false);
  await reads.once(source(reads), 'k', async () => 42);
  assert.equal(reads.has(source(reads), 'k'), true);
  assert.equal(await reads.find(source(reads), 'k'), 42);
  assert.deepEqual(reads.stats, { run: 1, reused: 1 });
});

test('CountReads bookkeeping: one memo, one store, model and binding: each other one refused, by find and has too', async () => {
  const reads = new CountReads();
  await reads.once(source(reads), 'k', async () => 1);
  const other = await offersStore();
  const otherModel = await loadModel(shippedModelDir());
  try {
    for (const s of [source(reads, { store: other }), source(reads, { model: otherModel }), source(reads, { binding: { ...binding } })]) {
      assert.throws(() => reads.once(s, 'k', async () => 2), InternalError);
      assert.throws(() => reads.find(s, 'k'), InternalError);
      assert.throws(() => reads.has(s, 'k'), InternalError);
    }
  } finally {
    await other.close();
  }
});

test('CountReads bookkeeping: the memo key: the same filters in any order, the same value in another key order, are one read', async () => {
  const reads = new CountReads();
  const a: CubeFilterItem = { member: 'Offers.channel', operator: 'equals', values: ['email'] };
  const b = { values: ['upsell'], operator: 'equals', member: 'Offers.offerType' } as CubeFilterItem;
  const first = await readCounts(source(reads), { filters: [a, b] });
  const second = await readCounts(source(reads), { filters: [{ ...b }, { operator: 'equals', values: ['email'], member: 'Offers.channel' } as CubeFilterItem] });
  assert.deepEqual(reads.stats, { run: 1, reused: 1 });
  assert.deepEqual(second, first);
  // Offers o01, o08 are email upsells.
  assert.equal(first[0]?.offers, 2);
  // Another filter value, another limit, another time zone: other reads.
  await readCounts(source(reads), { filters: [a] });
  await readCounts(source(reads), { filters: [a, b], limit: 1 });
  await readCounts(source(reads), { filters: [a, b], timezone: 'Europe/Paris' });
  await readCounts(source(reads), { filters: [a, b], clustered: false });
  assert.deepEqual(reads.stats, { run: 5, reused: 1 });
});

test('CountReads bookkeeping: a read with revenue kept answers the same read without it, without revenue, every time', async () => {
  const reads = new CountReads();
  await readCounts(source(reads), { extended: true });
  const narrow = await readCounts(source(reads), {});
  assert.deepEqual(reads.stats, { run: 1, reused: 1 });
  assert.equal(narrow[0]?.revenue, 0);
  assert.equal('Offers.expansionRevenue' in (narrow[0]?.data ?? {}), false);
  assert.deepEqual(narrow, await readCounts(source(), {}));
  // Asked again without revenue: answered from the wide read again (nothing more read).
  await readCounts(source(reads), {});
  assert.deepEqual(reads.stats, { run: 1, reused: 2 });
  assert.equal(reads.size, 1);
});

test('readCountsTogether: one request alone, or none new to read: each as readCounts answers it', async () => {
  const one = await readCountsTogether(source(), [{ dimensions: ['Customers.accountSize'] }]);
  assert.deepEqual(allSorted(one), [sorted(await readCounts(source(), { dimensions: ['Customers.accountSize'] }))]);
  assert.deepEqual(await readCountsTogether(source(), []), []);
});

test('readCountsTogether: reads with revenue for one: the others come without it, as their own reads would', async () => {
  const requests = [{ extended: true }, { dimensions: ['Customers.accountSize'] }, { dimensions: ['Customers.region'], extended: true }];
  const together = await readCountsTogether(source(), requests);
  const alone = [];
  for (const r of requests) alone.push(await readCounts(source(), r));
  assert.deepEqual(allSorted(together), allSorted(alone));
  assert.equal(together[0]?.[0]?.revenue, 460);
  assert.ok(together[1]?.every((r) => r.revenue === 0 && !('Offers.expansionRevenue' in r.data)));
});

test('readCountsTogether: without a customer bound (or not clustered) each is read on its own, as readCounts does', async () => {
  const noCustomer = source(undefined, { binding: { ...binding, customer: null } });
  const requests = [{ dimensions: ['Customers.accountSize'] }, { dimensions: ['Customers.region'] }];
  assert.deepEqual(allSorted(await readCountsTogether(noCustomer, requests)), allSorted([await readCounts(noCustomer, requests[0] ?? {}), await readCounts(noCustomer, requests[1] ?? {})]));
  const unclustered = requests.map((r) => ({ ...r, clustered: false }));
  const rows = await readCountsTogether(source(), unclustered);
  assert.ok(rows.every((set) => set.every((r) => r.clusters === null)));
});

test('readCountsTogether: with a memo: a read known with revenue answers its narrow twin; the statement for the rest is shared and kept', async () => {
  const reads = new CountReads();
  await readCounts(source(reads), { dimensions: ['Customers.accountSize'], extended: true });
  const requests = [{ dimensions: ['Customers.accountSize'] }, { dimensions: ['Customers.region'] }, { dimensions: ['Customers.industry'] }];
  const together = await readCountsTogether(source(reads), requests);
  const alone = [];
  for (const r of requests) alone.push(await readCounts(source(), r));
  assert.deepEqual(allSorted(together), allSorted(alone));
  // The account sizes from the wide read (reused once); region and industry kept under their own
  // keys (one run each), read by one statement (gathered: below).
  assert.equal(reads.size, 3);
  assert.deepEqual(reads.stats, { run: 3, reused: 1 });
});

/** A source whose statements over the offers are counted. */
function counting(reads: CountReads): { source: KpiSource; statements: string[] } {
  const statements: string[] = [];
  const spied = Object.create(store) as DuckDbStore;
  const query = store.query.bind(store);
  spied.query = (async (sql: string, ...rest: unknown[]) => {
    if (/FROM offers\b/.test(sql)) statements.push(sql);
    return (query as (...a: unknown[]) => Promise<unknown>)(sql, ...rest);
  }) as DuckDbStore['query'];
  return { source: source(reads, { store: spied }), statements };
}

test('readCounts with a memo: clustered reads of one selection asked at the same moment (other views, other requests) are read by one statement; later ones by their own', async () => {
  const reads = new CountReads();
  const { source: s, statements } = counting(reads);
  const first = [{ dimensions: ['Customers.accountSize'] }, { dimensions: ['Customers.region'], extended: true }, {}, { dimensions: ['Customers.industry'], limit: 1 }];
  // Each asked on its own, as separate requests do, in the same turn of the event loop.
  const answers = await Promise.all(first.map((r) => readCounts(s, r)));
  assert.equal(statements.length, 1, statements.join('\n\n'));
  assert.ok(statements[0]?.includes('uprate_sets'));
  const alone = [];
  for (const r of first) alone.push(await readCounts(source(), r));
  assert.deepEqual(allSorted(answers), allSorted(alone));
  assert.equal(answers[3]?.length, 1);
  // Another filter is another selection; a read after the statement began is read on its own.
  const other = readCounts(s, { dimensions: ['Customers.plan'], filters: [email] });
  const plan = readCounts(s, { dimensions: ['Customers.plan'] });
  await Promise.all([other, plan]);
  assert.equal(statements.length, 3);
  assert.deepEqual(sorted(await plan), sorted(await readCounts(source(), { dimensions: ['Customers.plan'] })));
  assert.deepEqual(sorted(await other), sorted(await readCounts(source(), { dimensions: ['Customers.plan'], filters: [email] })));
  await readCounts(s, { dimensions: ['Customers.lifecycleStage'] });
  assert.equal(statements.length, 4);
});

test('offerEdge: the first and last offer instants, or their periods with a grain; null without offers', async () => {
  assert.equal(await offerEdge(source(), [], 'asc'), '2025-01-05T09:00:00.000');
  assert.equal(await offerEdge(source(), [], 'desc'), '2025-03-12T15:00:00.000');
  assert.equal(await offerEdge(source(), [email], 'desc'), '2025-03-12T15:00:00.000');
  assert.equal(await offerEdge(source(), [{ member: 'Offers.channel', operator: 'equals', values: ['sales'] }], 'asc', 'month'), '2025-01-01T00:00:00.000');
  assert.equal(await offerEdge(source(), [], 'desc', 'month'), '2025-03-01T00:00:00.000');
  assert.equal(await offerEdge(source(), [{ member: 'Offers.channel', operator: 'equals', values: ['fax'] }], 'asc'), null);
  assert.equal(await offerEdge(source(), [{ member: 'Offers.channel', operator: 'equals', values: ['fax'] }], 'asc', 'month'), null);
});

test('offerEdge: with a memo: first and last are two reads, each asked once', async () => {
  const reads = new CountReads();
  await offerEdge(source(reads), [], 'asc');
  await offerEdge(source(reads), [], 'desc');
  await offerEdge(source(reads), [], 'desc');
  await offerEdge(source(reads), [], 'desc', 'month');
  assert.deepEqual(reads.stats, { run: 3, reused: 1 });
});

const CANCELLED = 'the query was cancelled: the client went away';
/** A read that ignores its signal and settles only when told. */
function pendingReads() {
  const settle: { resolve: (v: string[]) => void; reject: (e: Error) => void }[] = [];
  const read = () => new Promise<string[]>((resolve, reject) => void settle.push({ resolve, reject }));
  return { settle, read };
}
const asker = (reads: CountReads, signal?: AbortSignal): KpiSource => source(reads, { read: { now: NOW, access: allAccess('local'), ...(signal ? { signal } : {}) } });

test('CountReads: cancelled and replaced reads: every asker gone: the read is no longer live, asked again it runs again; the old answer arriving later is not counted', async () => {
  const reads = new CountReads();
  const { settle, read } = pendingReads();
  const a = new AbortController();
  const first = reads.once(asker(reads, a.signal), 'k', read);
  a.abort();
  await assert.rejects(first, (e: unknown) => e instanceof Error && e.message === CANCELLED);
  assert.equal(reads.has(source(reads), 'k'), false, 'cancelled: not live');
  assert.equal(reads.find(source(reads), 'k'), undefined);
  const second = reads.once(asker(reads), 'k', read);
  assert.equal(settle.length, 2, 'read again');
  settle[0]?.resolve(['old', 'old', 'old']);
  await new Promise((r) => setImmediate(r));
  assert.equal(reads.rows, 0, 'the replaced read’s rows are not kept');
  settle[1]?.resolve(['new']);
  assert.deepEqual(await second, ['new']);
  assert.equal(reads.rows, 1);
  assert.equal(reads.has(source(reads), 'k'), true);
});

test('CountReads: cancelled and replaced reads: a replaced read failing later does not take the new one with it', async () => {
  const reads = new CountReads();
  const { settle, read } = pendingReads();
  const a = new AbortController();
  const first = reads.once(asker(reads, a.signal), 'k', read);
  a.abort();
  await assert.rejects(first);
  const second = reads.once(asker(reads), 'k', read);
  settle[0]?.reject(new Error('late failure'));
  await new Promise((r) => setImmediate(r));
  assert.equal(reads.has(source(reads), 'k'), true, 'the new read is still kept');
  assert.equal(reads.size, 1);
  settle[1]?.resolve(['new']);
  assert.deepEqual(await second, ['new']);
});

test('gathered reads: a read the caller got wrong fails alone; the others asked with it still answer', async () => {
  const reads = new CountReads();
  const [good, bad] = [readCounts(source(reads), { dimensions: ['Customers.accountSize'] }), readCounts(source(reads), { dimensions: ['Customers.colour'] })];
  await assert.rejects(bad, (e: unknown) => e instanceof UprateError && e.code === 'QUERY_INVALID' && /Customers\.colour/.test(e.message));
  assert.deepEqual(sorted(await good), sorted(await readCounts(source(), { dimensions: ['Customers.accountSize'] })));
});

test('gathered reads: one asker leaving keeps the statement for the others; it is cancelled only when every asker left', async () => {
  const reads = new CountReads();
  const signals: (AbortSignal | undefined)[] = [];
  const spied = Object.create(store) as DuckDbStore;
  const query = store.query.bind(store);
  spied.query = (async (sql: string, params?: unknown, options?: { signal?: AbortSignal }) => {
    if (/FROM offers\b/.test(sql)) signals.push(options?.signal);
    return (query as (...a: unknown[]) => Promise<unknown>)(sql, params, options);
  }) as DuckDbStore['query'];
  const ask = (signal: AbortSignal, dimension: string) => readCounts(source(reads, { store: spied, read: { now: NOW, access: allAccess('local'), signal } }), { dimensions: [dimension] });
  const [a, b] = [new AbortController(), new AbortController()];
  const [sizes, regions] = [ask(a.signal, 'Customers.accountSize'), ask(b.signal, 'Customers.region')];
  a.abort();
  await assert.rejects(sizes, (e: unknown) => e instanceof Error && e.message === CANCELLED);
  assert.deepEqual(sorted(await regions), sorted(await readCounts(source(), { dimensions: ['Customers.region'] })));
  assert.equal(signals.length, 1, 'one statement for both');
  assert.equal(signals[0]?.aborted, false, 'not cancelled while one asker waits');
  const [c, d] = [new AbortController(), new AbortController()];
  const [industries, plans] = [ask(c.signal, 'Customers.industry'), ask(d.signal, 'Customers.plan')];
  c.abort();
  d.abort();
  for (const gone of [industries, plans]) await assert.rejects(gone, (e: unknown) => e instanceof Error && e.message === CANCELLED);
  await new Promise((r) => setTimeout(r, 5));
  assert.equal(signals.length, 2);
  assert.equal(signals[1]?.aborted, true, 'every asker left: the statement is cancelled');
});

test('CountReads: cancelled and replaced reads: a memo used with another store names the mistake', async () => {
  const reads = new CountReads();
  await reads.once(source(reads), 'k', async () => 1);
  const other = await offersStore();
  try {
    assert.throws(() => reads.has(source(reads, { store: other }), 'k'), { message: 'one CountReads memo was used with two stores, models or bindings' });
  } finally {
    await other.close();
  }
});

test('CountReads: cancelled and replaced reads: a read without revenue already kept is answered by itself, not by a wider read made since', async () => {
  const reads = new CountReads();
  const first = await readCounts(source(reads), {});
  await readCounts(source(reads), { extended: true });
  const again = await readCounts(source(reads), {});
  assert.equal(again, first, 'the very answer kept');
  assert.deepEqual(reads.stats, { run: 2, reused: 1 });
});

// Offers dated by their acceptance (Offers.acceptedAt): o02, o04, o07 and o08 have none.
const byAcceptance = () => source(undefined, { binding: { ...binding, time: 'Offers.acceptedAt' } });

test('a time dimension with empty values: their group has no period (not the text "null"); the others the first day of their month', async () => {
  const rows = await readCounts(byAcceptance(), { grain: 'month', clustered: false });
  const none = rows.filter((r) => r.period === null);
  assert.deepEqual(none.map((r) => [r.offers, r.periodStart]), [[4, null]]);
  // o01 accepted 2025-01-06, o03 2025-02-20, o06 2025-03-02, o05 2025-04-15.
  assert.deepEqual(rows.flatMap((r) => (r.period === null ? [] : [[r.period, r.offers]])).sort(), [['2025-01-01', 1], ['2025-02-01', 1], ['2025-03-01', 1], ['2025-04-01', 1]]);
});

test('a time dimension with empty values: offerEdge over offers without the instant: none, with or without a grain', async () => {
  const notSet: CubeFilterItem = { member: 'Offers.acceptedAt', operator: 'notSet' };
  assert.equal(await offerEdge(byAcceptance(), [notSet], 'asc'), null);
  assert.equal(await offerEdge(byAcceptance(), [notSet], 'desc', 'month'), null);
});

test('readCountsTogether: two calls on one memo with other reads each get their own statement’s rows', async () => {
  const reads = new CountReads();
  const first = [{ dimensions: ['Customers.accountSize'] }, { dimensions: ['Customers.region'] }];
  const second = [{ dimensions: ['Customers.industry'] }, { dimensions: ['Customers.plan'] }];
  await readCountsTogether(source(reads), first);
  const rows = await readCountsTogether(source(reads), second);
  assert.deepEqual(allSorted(rows), allSorted([await readCounts(source(), second[0] ?? {}), await readCounts(source(), second[1] ?? {})]));
  // Each call: its two reads.
  assert.deepEqual(reads.stats, { run: 4, reused: 0 });
});

test('readCountsTogether: every read with revenue: each gets its revenue', async () => {
  const requests = [{ dimensions: ['Customers.accountSize'], extended: true }, { dimensions: ['Customers.region'], extended: true }];
  const together = await readCountsTogether(source(), requests);
  assert.deepEqual(allSorted(together), allSorted([await readCounts(source(), requests[0] ?? {}), await readCounts(source(), requests[1] ?? {})]));
  // Revenue of accepted offers by region: eu (c1: o01 120), us (c2: o03 300, c3: o06 40), none for c5's o08.
  assert.deepEqual(sorted(together[1] ?? []).map((r) => [r.values['Customers.region'], r.revenue]), [['eu', 120], ['us', 340], [null, 0]].sort((a, b) => JSON.stringify({ 'Customers.region': a[0] }).localeCompare(JSON.stringify({ 'Customers.region': b[0] }))));
});

test('readCountsTogether: with a memo and one new read, it is read on its own (no statement for a set of one)', async () => {
  const reads = new CountReads();
  await readCounts(source(reads), { dimensions: ['Customers.accountSize'] });
  await readCountsTogether(source(reads), [{ dimensions: ['Customers.accountSize'] }, { dimensions: ['Customers.region'] }]);
  assert.deepEqual(reads.stats, { run: 2, reused: 1 });
  assert.equal(reads.size, 2);
});
