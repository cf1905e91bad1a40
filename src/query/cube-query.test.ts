import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isUprateError } from '../core/errors.js';
import { MAX_FILTER_NESTING, parseCubeQuery } from './cube-query.js';

/** One filter inside `depth` levels of `and`, built as JSON text (JSON.stringify overflows on the deepest). */
function nested(depth: number): unknown {
  return JSON.parse(`{"measures":["Offers.count"],"filters":[${'{"and":['.repeat(depth)}{"member":"Offers.channel","operator":"set"}${']}'.repeat(depth)}]}`);
}

const invalid = (location: string, message: RegExp) => (e: unknown) => isUprateError(e) && e.code === 'QUERY_INVALID' && e.location === location && message.test(e.message);

test(`filters may nest ${MAX_FILTER_NESTING} levels of and/or; deeper is QUERY_INVALID, found without recursion`, () => {
  assert.equal(MAX_FILTER_NESTING, 100);
  assert.doesNotThrow(() => parseCubeQuery(nested(100)));
  const at101 = `query.filters[0]${'.and[0]'.repeat(100)}.and`;
  assert.throws(() => parseCubeQuery(nested(101)), invalid(at101, /more than 100 levels deep/));
  // 100,000 levels: refused as quickly, where a recursive validator overflows its stack (a 500).
  assert.throws(() => parseCubeQuery(nested(100_000)), invalid(at101, /more than 100 levels deep/));
  const mixed = JSON.parse(`{"measures":["Offers.count"],"filters":[${'{"or":[{"and":['.repeat(60)}{"member":"Offers.channel","operator":"set"}${']}]}'.repeat(60)}]}`);
  assert.throws(() => parseCubeQuery(mixed), invalid(`query.filters[0]${'.or[0].and[0]'.repeat(50)}.or`, /more than 100 levels deep/));
});

test('errors show the offending value and describe the field that was wrong', () => {
  assert.throws(() => parseCubeQuery({ measures: ['Offers.count;DROP'] }), invalid('query.measures[0]', /^Invalid query format: measures\[0\] "Offers.count;DROP" is not a member name/));
  assert.throws(() => parseCubeQuery({ measures: [`Offers.${'x'.repeat(200)};`] }), invalid('query.measures[0]', /"Offers\.x{69}\.\.\. is not a member name/));
  assert.throws(() => parseCubeQuery({ measures: ['Offers.count'], order: 5 }), invalid('query.order', /order is not an order/));
  assert.throws(() => parseCubeQuery({ measures: ['Offers.count'], timeDimensions: [{ dimension: 'Offers.offeredAt', dateRange: 7 }] }), invalid('query.timeDimensions[0].dateRange', /is not a date range/));
  assert.throws(() => parseCubeQuery({ measures: ['Offers.count'], filters: [{ member: 'Offers.channel', operator: 'equals', values: [{}] }] }), invalid('query.filters[0]', /is not a filter/));
  assert.throws(() => parseCubeQuery({ measures: ['Offers.count'], filters: [7] }), invalid('query.filters[0]', /is not a filter \(\{member, operator, values\}\)/));
});
