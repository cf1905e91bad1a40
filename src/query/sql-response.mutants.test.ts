/**
 * /sql, /dry-run and the cache key (sql-response.ts) on the shipped model and the hand-made offers
 * (test/fixtures/models/offers-data.ts, clock NOW = 2025-03-20T10:00Z): every field of Cube's /sql
 * body, one body per compared range, the rollup fields when a fresh rollup is given, and a cache
 * key that ignores key order but not the order of lists, the access or whether an order was given.
 * Expected bodies are written out by hand from Cube's response format and the model's aliases
 * (Cube's: `Offers.offeredAt` at month → `offers__offered_at_month`); parameters are the UTC
 * bounds of the date ranges, the last one inclusive to its last microsecond (the whole last millisecond).
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { loadModel, shippedModelDir, type Model } from '../model/index.js';
import { buildRollups } from '../rollups/index.js';
import { usableRollups } from '../rollups/availability.js';
import type { UsableRollup } from '../rollups/match.js';
import { duckdbDialect } from '../sql/index.js';
import type { DuckDbStore } from '../store/index.js';
import { NOW, offersStore } from '../../test/fixtures/models/offers-data.js';
import { allAccess, tenantAccess } from './access.js';
import { compileToSql, dryRun, queryKey } from './sql-response.js';

let model: Model;
let store: DuckDbStore;
let rollups: readonly UsableRollup[];
before(async () => {
  model = await loadModel(shippedModelDir());
  store = await offersStore();
  await buildRollups(store, model, ['Offers.daily']);
  rollups = await usableRollups(store, model);
});
after(() => store.close());

const options = { now: NOW, access: allAccess('local'), dialect: duckdbDialect };
const BY_MONTH = { measures: ['Offers.count'], dimensions: ['Offers.channel'], timeDimensions: [{ dimension: 'Offers.offeredAt', granularity: 'month', dateRange: ['2025-01-01', '2025-01-31'] }], order: { 'Offers.count': 'desc', 'Offers.channel': 'asc' } };

/** The one body of a regular query's /sql answer. */
function body(query: unknown, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const got = compileToSql(model, query, { ...options, ...extra });
  assert.ok(!Array.isArray(got), 'a regular query has one body, not a list');
  return got.sql;
}

test('/sql: Cube\'s body field by field, in Cube\'s order; the time dimension fields only with a time dimension', () => {
  const b = body(BY_MONTH);
  const [text, params] = b['sql'] as [string, unknown[]];
  assert.match(text, /^SELECT\n/);
  assert.match(text, /"offers__offered_at_month"/);
  assert.deepEqual(params, ['2025-01-01T00:00:00.000Z', '2025-01-31T23:59:59.999999Z']);
  assert.deepEqual({ ...b, sql: null }, {
    external: false,
    sql: null,
    lambdaQueries: {},
    timeDimensionAlias: 'offers__offered_at_month',
    timeDimensionField: 'Offers.offeredAt',
    order: { 'Offers.count': 'desc', 'Offers.channel': 'asc' },
    cacheKeyQueries: [],
    preAggregations: [],
    dataSource: 'default',
    aliasNameToMember: { offers__count: 'Offers.count', offers__channel: 'Offers.channel', offers__offered_at_month: 'Offers.offeredAt.month' },
  });
  assert.deepEqual(Object.keys(b), ['external', 'sql', 'lambdaQueries', 'timeDimensionAlias', 'timeDimensionField', 'order', 'cacheKeyQueries', 'preAggregations', 'dataSource', 'aliasNameToMember']);
  const plain = body({ measures: ['Offers.count'] });
  assert.deepEqual(Object.keys(plain), ['external', 'sql', 'lambdaQueries', 'order', 'cacheKeyQueries', 'preAggregations', 'dataSource', 'aliasNameToMember']);
  assert.deepEqual(plain['order'], {});
  assert.deepEqual(plain['aliasNameToMember'], { offers__count: 'Offers.count' });
});

test('/sql: a compareDateRange query answers one body per range, each with its own bounds', () => {
  const got = compileToSql(model, { measures: ['Offers.count'], timeDimensions: [{ dimension: 'Offers.offeredAt', compareDateRange: [['2025-01-01', '2025-01-31'], ['2025-02-01', '2025-02-28']] }] }, options);
  assert.ok(Array.isArray(got));
  assert.equal(got.length, 2);
  assert.deepEqual(got.map((g) => (g.sql['sql'] as [string, unknown[]])[1]), [
    ['2025-01-01T00:00:00.000Z', '2025-01-31T23:59:59.999999Z'],
    ['2025-02-01T00:00:00.000Z', '2025-02-28T23:59:59.999999Z'],
  ]);
  // Even a single compared range is a list.
  const one = compileToSql(model, { measures: ['Offers.count'], timeDimensions: [{ dimension: 'Offers.offeredAt', compareDateRange: [['2025-01-01', '2025-01-31']] }] }, options);
  assert.ok(Array.isArray(one));
  assert.equal(one.length, 1);
});

test('/sql with a fresh rollup: Cube\'s preAggregations entry and uprate\'s rollup report; a miss says why', () => {
  // January 2025 is settled at NOW (its window closed on 3 March): Offers.daily answers all of it.
  const hit = body(BY_MONTH, { rollups });
  assert.deepEqual(hit['preAggregations'], [{ preAggregationId: 'Offers.daily', tableName: 'uprate_rollup_offers_daily', type: 'rollup' }]);
  assert.deepEqual(hit['rollup'], { used: 'Offers.daily', table: 'uprate_rollup_offers_daily', periodsFrom: '2025-01-01T00:00:00.000Z', periodsTo: '2025-02-01T00:00:00.000Z', readsRows: false });
  assert.match((hit['sql'] as [string])[0], /FROM uprate_rollup_offers_daily/);
  assert.equal(Object.keys(hit).at(-1), 'rollup');
  // Distinct customers are not stored in the rollup.
  const miss = body({ measures: ['Offers.customersOffered'] }, { rollups });
  assert.deepEqual(miss['preAggregations'], []);
  assert.deepEqual(miss['rollup'], { used: null, reason: 'Offers.daily does not store Offers.customersOffered' });
  // No rollup given: no report at all.
  assert.ok(!('rollup' in body(BY_MONTH)));
});

test('/dry-run: query type, normalised queries, their order, transformed queries with the tenant\'s filters, pivot query, rollups only when reported', () => {
  const out = dryRun(model, BY_MONTH, options);
  assert.deepEqual(Object.keys(out), ['queryType', 'normalizedQueries', 'queryOrder', 'transformedQueries', 'pivotQuery']);
  assert.equal(out['queryType'], 'regularQuery');
  assert.deepEqual(out['queryOrder'], [{ 'Offers.count': 'desc', 'Offers.channel': 'asc' }]);
  const [normalized] = out['normalizedQueries'] as Record<string, unknown>[];
  assert.deepEqual(normalized?.['measures'], ['Offers.count']);
  assert.deepEqual(normalized?.['order'], [['Offers.count', 'desc'], ['Offers.channel', 'asc']]);
  assert.equal((out['pivotQuery'] as Record<string, unknown>)['queryType'], 'regularQuery');
  const transformed = (out['transformedQueries'] as Record<string, unknown>[])[0];
  assert.deepEqual(transformed?.['sortedDimensions'], ['Offers.channel']);
  // A tenant's filter on a dimension is one of the dimensions a rollup must hold.
  const tenant = dryRun(model, BY_MONTH, { ...options, access: tenantAccess([{ member: 'Offers.offerType', operator: 'equals', values: ['upsell'] }]) });
  assert.deepEqual((tenant['transformedQueries'] as Record<string, unknown>[])[0]?.['sortedDimensions'], ['Offers.channel', 'Offers.offerType']);
  // With a fresh rollup, the report of each query.
  const withRollups = dryRun(model, BY_MONTH, { ...options, rollups });
  assert.deepEqual(withRollups['rollups'], [{ used: 'Offers.daily', table: 'uprate_rollup_offers_daily', periodsFrom: '2025-01-01T00:00:00.000Z', periodsTo: '2025-02-01T00:00:00.000Z', readsRows: false }]);
  const compared = dryRun(model, { measures: ['Offers.count'], timeDimensions: [{ dimension: 'Offers.offeredAt', compareDateRange: [['2025-01-01', '2025-01-31'], ['2025-02-01', '2025-02-28']] }] }, options);
  assert.equal(compared['queryType'], 'compareDateRangeQuery');
  assert.equal((compared['normalizedQueries'] as unknown[]).length, 2);
  // No granularity selects no time dimension, and a measure alone has no default order.
  assert.deepEqual(compared['queryOrder'], [{}, {}]);
  assert.equal((compared['transformedQueries'] as unknown[]).length, 2);
});

test('the cache key: object keys sorted at every depth, lists kept in their order, access and a given order count', () => {
  const key = queryKey(model, BY_MONTH, options);
  const parsed = JSON.parse(key) as Record<string, unknown>;
  /** Every object's keys in sorted order, at every depth. */
  const sortedEverywhere = (v: unknown): boolean => {
    if (v === null || typeof v !== 'object') return true;
    if (Array.isArray(v)) return v.every(sortedEverywhere);
    const keys = Object.keys(v);
    return keys.join('\u0000') === [...keys].sort().join('\u0000') && Object.values(v).every(sortedEverywhere);
  };
  assert.ok(sortedEverywhere(parsed), key);
  assert.deepEqual(Object.keys(parsed), ['access', 'orderGiven', 'queries']);
  assert.equal(parsed['orderGiven'], true);
  assert.deepEqual(parsed['access'], []);
  // The same query with its keys (and its order's keys) written the other way round.
  const reversed = { order: { 'Offers.count': 'desc', 'Offers.channel': 'asc' }, timeDimensions: BY_MONTH.timeDimensions, dimensions: ['Offers.channel'], measures: ['Offers.count'] };
  assert.equal(queryKey(model, reversed, options), key);
  // Lists keep their order: measures swapped is another query (another column order).
  assert.notEqual(queryKey(model, { measures: ['Offers.count', 'Offers.accepted'] }, options), queryKey(model, { measures: ['Offers.accepted', 'Offers.count'] }, options));
  // A tenant's filters are part of the key.
  const tenantKey = JSON.parse(queryKey(model, BY_MONTH, { ...options, access: tenantAccess([{ member: 'Offers.offerType', operator: 'equals', values: ['upsell'] }]) })) as Record<string, unknown>;
  assert.deepEqual(tenantKey['access'], [{ member: 'Offers.offerType', operator: 'equals', values: ['upsell'] }]);
  // Nulls (a time dimension without granularity, a null filter value) are kept as they are.
  const withNulls = JSON.parse(queryKey(model, { measures: ['Offers.count'], timeDimensions: [{ dimension: 'Offers.offeredAt', granularity: null, dateRange: ['2025-01-01', '2025-01-31'] }], filters: [{ member: 'Offers.channel', operator: 'equals', values: [null, 'email'] }] }, options)) as { queries: { timeDimensions: { granularity: unknown }[]; filters: { values: unknown[] }[] }[] };
  assert.equal(withNulls.queries[0]?.timeDimensions[0]?.granularity, null);
  assert.deepEqual(withNulls.queries[0]?.filters[0]?.values, [null, 'email']);
  // No order given: Cube's default order, and orderGiven false.
  assert.equal((JSON.parse(queryKey(model, { measures: ['Offers.count'] }, options)) as Record<string, unknown>)['orderGiven'], false);
});
