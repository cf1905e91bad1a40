/**
 * Cube's normalisation of a query, rule by rule, with the expected echo written out by hand
 * (Cube's own /load answers echo the query this way: see cube-fixtures.test.ts).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { refused as refusedWith } from '../../test/uprate-error.js';
import { DEFAULT_LIMIT, MAX_LIMIT, normalizeFilters, normalizeRequest } from './normalize-query.js';

const NOW = new Date('2025-03-20T10:00:00Z');
const one = (q: unknown) => {
  const r = normalizeRequest(q, NOW);
  assert.equal(r.queries.length, 1);
  return r.queries[0];
};
/** A QUERY_INVALID refusal at `location` with this message (and hint). */
const refused = (fn: () => unknown, message: string | RegExp, location: string, hint?: RegExp) => void refusedWith(fn, 'QUERY_INVALID', location, { message, ...(hint ? { hint } : {}) });

test('defaults: limit 10000 (also the row limit), time zone UTC, no filters, no order', () => {
  assert.equal(DEFAULT_LIMIT, 10000);
  assert.equal(MAX_LIMIT, 50000);
  const r = normalizeRequest({ measures: ['Offers.count'] }, NOW);
  assert.deepEqual(r, {
    queryType: 'regularQuery',
    orderGiven: false,
    queries: [{ measures: ['Offers.count'], limit: 10000, timezone: 'UTC', order: [], filters: [], dimensions: [], timeDimensions: [], rowLimit: 10000 }],
  });
  assert.equal(one({ measures: ['Offers.count'], limit: 7 })?.rowLimit, 7);
  assert.equal(one({ measures: ['Offers.count'], timezone: 'Europe/Berlin' })?.timezone, 'Europe/Berlin');
});

test('a query must ask for something: measures, dimensions, or a time dimension with a granularity', () => {
  const message = 'Query should contain either measures, dimensions or timeDimensions with granularities in order to be valid';
  refused(() => normalizeRequest({}, NOW), message, 'query');
  refused(() => normalizeRequest({ measures: [], dimensions: [], timeDimensions: [{ dimension: 'Offers.offeredAt', dateRange: 'last week' }] }, NOW), message, 'query');
  assert.ok(one({ dimensions: ['Offers.channel'] }));
  assert.ok(one({ timeDimensions: [{ dimension: 'Offers.offeredAt', granularity: 'month' }] }));
});

test('the limit: at most 50000', () => {
  assert.equal(one({ measures: ['Offers.count'], limit: 50000 })?.limit, 50000);
  refused(() => normalizeRequest({ measures: ['Offers.count'], limit: 50001 }, NOW), 'The query limit has been exceeded.', 'limit', /at most 50000 rows and page with offset/);
});

test('order: an object becomes pairs in its order; a list is kept; whether one was given is told', () => {
  const r = normalizeRequest({ measures: ['Offers.count'], dimensions: ['Offers.channel'], order: { 'Offers.count': 'desc', 'Offers.channel': 'asc' } }, NOW);
  assert.deepEqual(r.queries[0]?.order, [['Offers.count', 'desc'], ['Offers.channel', 'asc']]);
  assert.equal(r.orderGiven, true);
  assert.deepEqual(one({ measures: ['Offers.count'], order: [['Offers.count', 'asc']] })?.order, [['Offers.count', 'asc']]);
  assert.equal(normalizeRequest({ measures: ['Offers.count'], order: [] }, NOW).orderGiven, true);
});

test('a dimension with a granularity suffix moves to the time dimensions', () => {
  const q = one({ measures: ['Offers.count'], dimensions: ['Offers.channel', 'Offers.offeredAt.month'], timeDimensions: [{ dimension: 'Offers.offeredAt', granularity: 'day' }] });
  assert.deepEqual(q?.dimensions, ['Offers.channel']);
  assert.deepEqual(q?.timeDimensions, [{ dimension: 'Offers.offeredAt', granularity: 'day' }, { dimension: 'Offers.offeredAt', granularity: 'month' }]);
});

test('date ranges are resolved in the query time zone with the clock', () => {
  const q = one({ measures: ['Offers.count'], timezone: 'Europe/Berlin', timeDimensions: [{ dimension: 'Offers.offeredAt', dateRange: 'last week' }] });
  assert.deepEqual(q?.timeDimensions, [{ dimension: 'Offers.offeredAt', dateRange: ['2025-03-10T00:00:00.000', '2025-03-16T23:59:59.999'] }]);
  refused(() => normalizeRequest({ measures: ['Offers.count'], timezone: 'Nowhere/Land' }, NOW), /timezone "Nowhere\/Land" is not a time zone name/, 'timezone');
});

test('compareDateRange: one query per range, in order; only one time dimension may compare', () => {
  const r = normalizeRequest(
    { measures: ['Offers.count'], timeDimensions: [{ dimension: 'Offers.offeredAt', granularity: 'month', compareDateRange: [['2025-01-01', '2025-01-31'], 'last week'] }] },
    NOW,
  );
  assert.equal(r.queryType, 'compareDateRangeQuery');
  assert.deepEqual(
    r.queries.map((q) => q.timeDimensions),
    [[{ dimension: 'Offers.offeredAt', granularity: 'month', dateRange: ['2025-01-01T00:00:00.000', '2025-01-31T23:59:59.999'] }], [{ dimension: 'Offers.offeredAt', granularity: 'month', dateRange: ['2025-03-10T00:00:00.000', '2025-03-16T23:59:59.999'] }]],
  );
  const two = { measures: ['Offers.count'], timeDimensions: [{ dimension: 'Offers.offeredAt', compareDateRange: ['last week'] }, { dimension: 'Offers.acceptedAt', compareDateRange: ['last week'] }] };
  refused(() => normalizeRequest(two, NOW), 'Invalid query format: only one time dimension may have compareDateRange', 'timeDimensions');
  const both = { measures: ['Offers.count'], timeDimensions: [{ dimension: 'Offers.acceptedAt', granularity: 'day' }, { dimension: 'Offers.offeredAt', dateRange: 'last week', compareDateRange: ['last week'] }] };
  refused(() => normalizeRequest(both, NOW), 'Invalid query format: timeDimensions[1] has both dateRange and compareDateRange', 'timeDimensions[1]');
  // A bad range names its place among the compared ones; another time dimension's range keeps its own place.
  const bad = { measures: ['Offers.count'], timeDimensions: [{ dimension: 'Offers.acceptedAt', dateRange: 'last week' }, { dimension: 'Offers.offeredAt', compareDateRange: ['last week', 'whenever'] }] };
  refused(() => normalizeRequest(bad, NOW), "Can't parse date: 'whenever'", 'timeDimensions[1].compareDateRange[1]');
  const badOther = { measures: ['Offers.count'], timeDimensions: [{ dimension: 'Offers.acceptedAt', dateRange: 'whenever' }, { dimension: 'Offers.offeredAt', compareDateRange: ['last week'] }] };
  refused(() => normalizeRequest(badOther, NOW), "Can't parse date: 'whenever'", 'timeDimensions[0].dateRange');
});

test('filters: member (or dimension) and operator required, values as text, nested places named', () => {
  assert.deepEqual(normalizeFilters([{ dimension: 'Offers.channel', operator: 'equals', values: ['email', 5 as unknown as string, null] }]), [{ member: 'Offers.channel', operator: 'equals', values: ['email', '5', null] }]);
  assert.deepEqual(normalizeFilters([{ member: 'Offers.channel', operator: 'set' }]), [{ member: 'Offers.channel', operator: 'set' }]);
  assert.deepEqual(normalizeFilters([{ member: 'Offers.count', operator: 'measureFilter', values: [] }]), [{ member: 'Offers.count', operator: 'measureFilter', values: [] }]);
  assert.deepEqual(normalizeFilters([{ or: [{ and: [{ dimension: 'Offers.channel', operator: 'notSet' }] }] }]), [{ or: [{ and: [{ member: 'Offers.channel', operator: 'notSet' }] }] }]);
  refused(() => normalizeFilters([{ member: 'Offers.channel' } as never]), 'Operator required for filter: {"member":"Offers.channel"}', 'filters[0]');
  refused(() => normalizeFilters([{ member: 'A.b', operator: 'equals', values: ['x'] }, { member: 'Offers.channel', operator: 'like' as never, values: ['x'] }]), 'Operator like not supported for filter: {"member":"Offers.channel","operator":"like","values":["x"]}', 'filters[1].operator');
  refused(() => normalizeFilters([{ member: 'A.b', dimension: 'A.b', operator: 'set' } as never]), 'Invalid query format: filters[0] needs exactly one of member or dimension', 'filters[0]');
  refused(() => normalizeFilters([{ operator: 'set' } as never]), 'Invalid query format: filters[0] needs exactly one of member or dimension', 'filters[0]');
  refused(() => normalizeFilters([{ and: [{ member: 'A.b', operator: 'set' }, { member: 'A.b', operator: 'equals', values: [] }] }]), 'Values required for filter: {"member":"A.b","operator":"equals","values":[]}', 'filters[0].and[1].values');
  refused(() => normalizeFilters([{ or: [{ member: 'A.b', operator: 'gt' }] }], 'where'), 'Values required for filter: {"member":"A.b","operator":"gt"}', 'where[0].or[0].values');
});
