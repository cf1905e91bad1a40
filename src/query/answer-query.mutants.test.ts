/**
 * answerQuery (answer-query.ts) around the statement it runs: which rollups it may read (the
 * store's fresh ones, the caller's, none when turned off), what it reports about them, and the
 * options each statement gets (exact decimals, the timeout, the cancel signal). Expected values are
 * worked out by hand from test/fixtures/models/offers-data.ts (January 2025: o01, o02, o03) and
 * read back with plain SQL from uprate's own rollup table.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { UprateError } from '../core/errors.js';
import { DEFAULT_LIMITS } from '../core/limits.js';
import { loadModel, shippedModelDir, type Model } from '../model/index.js';
import { buildRollups } from '../rollups/index.js';
import type { DuckDbStore } from '../store/index.js';
import type { QueryOptions, Row, SqlValue, Store } from '../store/store.js';
import { NOW, offersStore } from '../../test/fixtures/models/offers-data.js';
import { allAccess } from './access.js';
import { answerQuery, dialectOf, prepareQuery, rollupsFor, runStatement } from './answer-query.js';
import { prepareRows } from './answer-rows.js';

let model: Model;
let store: DuckDbStore;
let builtAt: string;
before(async () => {
  model = await loadModel(shippedModelDir());
  store = await offersStore();
  await buildRollups(store, model, ['Offers.daily']);
  const [row] = await store.query<{ t: string }>(`SELECT strftime(built_at, '%Y-%m-%dT%H:%M:%S.%g') || 'Z' AS t FROM uprate_rollups WHERE name = 'Offers.daily'`);
  builtAt = row?.t ?? '';
});
after(() => store.close());

const OPTIONS = { now: NOW, access: allAccess('local') };
const JANUARY = { measures: ['Offers.count'], timeDimensions: [{ dimension: 'Offers.offeredAt', granularity: 'month', dateRange: ['2025-01-01', '2025-01-31'] }] };
const JANUARY_DATA = [{ 'Offers.offeredAt.month': '2025-01-01T00:00:00.000', 'Offers.offeredAt': '2025-01-01T00:00:00.000', 'Offers.count': '3' }];
const TABLE = 'uprate_rollup_offers_daily';

/** The store with every statement and its options recorded. */
function spied(s: DuckDbStore): { store: DuckDbStore; calls: { sql: string; options: QueryOptions | undefined }[] } {
  const calls: { sql: string; options: QueryOptions | undefined }[] = [];
  const query = s.query.bind(s);
  const spy = Object.create(s) as DuckDbStore;
  spy.query = (async (sql: string, params?: readonly SqlValue[], options?: QueryOptions) => {
    calls.push({ sql, options });
    return query(sql, params, options);
  }) as DuckDbStore['query'];
  return { store: spy, calls };
}

test('a fresh rollup answers January: usedPreAggregations and the rollup report name it, its table and its built time', async () => {
  assert.match(builtAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  const spy = spied(store);
  const [r] = (await answerQuery(spy.store, model, JANUARY, OPTIONS)).results;
  assert.deepEqual(r?.data, JANUARY_DATA);
  assert.deepEqual(r?.usedPreAggregations, { [TABLE]: { targetTableName: TABLE, rollup: 'Offers.daily', lastUpdatedAt: builtAt } });
  // January, settled at NOW (its last window closed on 2 March): its month from the rollup, no rows.
  assert.deepEqual(r?.rollup, { used: 'Offers.daily', table: TABLE, periodsFrom: '2025-01-01T00:00:00.000Z', periodsTo: '2025-02-01T00:00:00.000Z', readsRows: false });
  assert.ok(spy.calls.some((c) => c.sql.includes(TABLE)));
});

test('no rollup read when turned off (useRollups false, UPRATE_ROLLUPS=off) or when the caller gives none: the rows, no report', async () => {
  const rowsOnly = async (options: Parameters<typeof answerQuery>[3]) => {
    const spy = spied(store);
    const [r] = (await answerQuery(spy.store, model, JANUARY, options)).results;
    assert.deepEqual(r?.data, JANUARY_DATA);
    assert.deepEqual(r?.usedPreAggregations, {});
    assert.ok(!('rollup' in (r ?? {})), 'no rollup report');
    assert.ok(!spy.calls.some((c) => c.sql.includes(TABLE)), 'the rows, not the rollup');
  };
  await rowsOnly({ ...OPTIONS, useRollups: false });
  await rowsOnly({ ...OPTIONS, rollups: [] });
  const before = process.env['UPRATE_ROLLUPS'];
  process.env['UPRATE_ROLLUPS'] = 'off';
  try {
    await rowsOnly(OPTIONS);
    assert.deepEqual(await rollupsFor(store, model, OPTIONS), []);
  } finally {
    if (before === undefined) delete process.env['UPRATE_ROLLUPS'];
    else process.env['UPRATE_ROLLUPS'] = before;
  }
  // Any other value of UPRATE_ROLLUPS leaves them on.
  process.env['UPRATE_ROLLUPS'] = 'on';
  try {
    assert.deepEqual((await rollupsFor(store, model, OPTIONS)).map((u) => u.rollup.path), ['Offers.daily']);
  } finally {
    if (before === undefined) delete process.env['UPRATE_ROLLUPS'];
    else process.env['UPRATE_ROLLUPS'] = before;
  }
  // The caller's list is used as given (no look-up in the store).
  const fresh = await rollupsFor(store, model, OPTIONS);
  const spy = spied(store);
  assert.equal(await rollupsFor(spy.store, model, { ...OPTIONS, rollups: fresh }), fresh);
  assert.equal(spy.calls.length, 0);
});

test('a query no rollup answers says why, and the rows answer it', async () => {
  const [r] = (await answerQuery(store, model, { measures: ['Offers.count'], dimensions: ['Customers.region'] }, OPTIONS)).results;
  // By region: c1, c4 eu (3 offers); c2, c3 us (4); c5 no customers row (1).
  assert.deepEqual(new Set(r?.data.map((d) => `${d['Customers.region']}:${d['Offers.count']}`)), new Set(['us:4', 'eu:3', 'null:1']));
  assert.deepEqual(r?.rollup, { used: null, reason: 'Offers.daily does not store Customers.region' });
  assert.deepEqual(r?.usedPreAggregations, {});
});

test('each statement gets exact decimals, the timeout (given, else the limits\' one, else none) and the signal', async () => {
  const signal = new AbortController().signal;
  const optionsOf = async (options: Parameters<typeof answerQuery>[3]) => {
    const spy = spied(store);
    await answerQuery(spy.store, model, { measures: ['Offers.count'], total: true }, { ...options, useRollups: false });
    // The query and its total.
    assert.equal(spy.calls.length, 2);
    return spy.calls.map((c) => c.options);
  };
  assert.deepEqual(await optionsOf(OPTIONS), [{ exactDecimals: true }, { exactDecimals: true }]);
  assert.deepEqual(await optionsOf({ ...OPTIONS, timeoutMs: 612345, signal }), [{ exactDecimals: true, timeoutMs: 612345, signal }, { exactDecimals: true, timeoutMs: 612345, signal }]);
  assert.deepEqual(await optionsOf({ ...OPTIONS, limits: { ...DEFAULT_LIMITS, queryTimeoutMs: 599999 } }), [{ exactDecimals: true, timeoutMs: 599999 }, { exactDecimals: true, timeoutMs: 599999 }]);
  // The given timeout wins over the limits'.
  assert.deepEqual((await optionsOf({ ...OPTIONS, timeoutMs: 655555, limits: { ...DEFAULT_LIMITS, queryTimeoutMs: 599999 } }))[0], { exactDecimals: true, timeoutMs: 655555 });
});

test('runStatement: the timeout (given, else the limits\' one, else none) and the signal, no exact decimals', async () => {
  const { node } = prepareRows(model, { measures: ['Offers.count'] }, OPTIONS, dialectOf(store));
  const signal = new AbortController().signal;
  const optionsOf = async (options: Parameters<typeof runStatement>[2]) => {
    const spy = spied(store);
    const rows: Row[] = await runStatement(spy.store, node, options);
    assert.equal(Number(rows[0]?.['offers__count']), 8);
    return spy.calls.map((c) => c.options);
  };
  assert.deepEqual(await optionsOf(OPTIONS), [{}]);
  assert.deepEqual(await optionsOf({ ...OPTIONS, timeoutMs: 612345, signal }), [{ timeoutMs: 612345, signal }]);
  assert.deepEqual(await optionsOf({ ...OPTIONS, limits: { ...DEFAULT_LIMITS, queryTimeoutMs: 599999 } }), [{ timeoutMs: 599999 }]);
  assert.deepEqual(await optionsOf({ ...OPTIONS, timeoutMs: 655555, limits: { ...DEFAULT_LIMITS, queryTimeoutMs: 599999 } }), [{ timeoutMs: 655555 }]);
});

test('an engine without a SQL dialect is ENGINE_UNAVAILABLE, naming it', () => {
  const odd = { engine: 'oracle' } as unknown as Pick<Store, 'engine'>;
  assert.throws(
    () => dialectOf(odd),
    (e: unknown) => e instanceof UprateError && e.code === 'ENGINE_UNAVAILABLE' && e.location === 'oracle' && e.message === 'the semantic layer has no SQL dialect for oracle yet',
  );
  assert.equal(dialectOf(store).name, 'duckdb');
});

test('compareDateRange: the pivot query lists compareDateRange before the query\'s dimensions; a regular query keeps its own', async () => {
  const compared = await answerQuery(store, model, {
    measures: ['Offers.count'],
    dimensions: ['Offers.channel'],
    timeDimensions: [{ dimension: 'Offers.offeredAt', compareDateRange: [['2025-01-01', '2025-01-31'], ['2025-02-01', '2025-02-28']] }],
  }, { ...OPTIONS, useRollups: false });
  assert.deepEqual(compared.pivotQuery['dimensions'], ['compareDateRange', 'Offers.channel']);
  // Each result's rows tagged with its range: January o01 email, o02 in_app, o03 sales; February o04 email, o05 no channel.
  assert.deepEqual(compared.results.map((r) => r.data.map((d) => d['compareDateRange'])), [
    Array(3).fill('2025-01-01T00:00:00.000 - 2025-01-31T23:59:59.999'),
    Array(2).fill('2025-02-01T00:00:00.000 - 2025-02-28T23:59:59.999'),
  ]);
  const regular = await answerQuery(store, model, { measures: ['Offers.count'], dimensions: ['Offers.channel'] }, { ...OPTIONS, useRollups: false });
  assert.deepEqual(regular.pivotQuery['dimensions'], ['Offers.channel']);
  assert.equal(regular.pivotQuery['queryType'], 'regularQuery');
  assert.ok(regular.results[0]?.data.every((d) => !('compareDateRange' in d)));
});

test('prepareQuery: the caller\'s rollups are matched unless useRollups is false', async () => {
  const fresh = await rollupsFor(store, model, OPTIONS);
  const prepared = (options: Parameters<typeof prepareQuery>[2]) => prepareQuery(model, JANUARY, options, dialectOf(store)).queries[0];
  const on = prepared({ ...OPTIONS, rollups: fresh });
  assert.equal(on?.rollup?.use.rollup.path, 'Offers.daily');
  assert.ok(on?.sql.sql.includes(TABLE));
  const off = prepared({ ...OPTIONS, rollups: fresh, useRollups: false });
  assert.equal(off?.rollup, null);
  assert.equal(off?.rollupMiss, null);
  assert.ok(!off?.sql.sql.includes(TABLE));
});
