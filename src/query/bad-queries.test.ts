import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { isUprateError } from '../core/errors.js';
import { loadModel, shippedModelDir, type Model } from '../model/index.js';
import { DIALECTS, duckdbDialect } from '../sql/index.js';
import type { DuckDbStore } from '../store/index.js';
import { NOW, OFFERS, offersStore } from '../../test/fixtures/models/offers-data.js';
import { answerQuery, compileToSql } from './index.js';
import { allAccess, tenantAccess } from './access.js';

let model: Model;
let store: DuckDbStore;
before(async () => {
  model = await loadModel(shippedModelDir());
  store = await offersStore();
});
after(() => store.close());

const INJECTION = "x'); DROP TABLE offers; --";

function rejects(query: unknown, message: RegExp | string) {
  return assert.rejects(answerQuery(store, model, query, { now: NOW, access: allAccess('local') }), (e: unknown) => {
    assert.ok(isUprateError(e), `not an UprateError: ${String(e)}`);
    assert.equal(e.code, 'QUERY_INVALID');
    if (typeof message === 'string') assert.equal(e.message, message);
    else assert.match(e.message, message);
    return true;
  });
}

test('unknown members and cubes, with Cube\'s messages', async () => {
  await rejects({ measures: ['Offers.nope'] }, "'nope' not found for path 'Offers.nope'");
  await rejects({ measures: ['Nope.count'] }, "Cube 'Nope' not found for path 'Nope.count'");
  await rejects({ measures: ['Offers.offerType'] }, "'offerType' not found for path 'Offers.offerType'");
  await rejects({ measures: ['Offers.count'], filters: [{ member: 'Offers.nope', operator: 'equals', values: ['a'] }] }, "'nope' not found for path 'Offers.nope'");
});

test('wrong operators and missing values', async () => {
  await rejects({ measures: ['Offers.count'], filters: [{ member: 'Offers.channel', operator: 'like', values: ['a'] }] }, /^Operator like not supported for filter/);
  await rejects({ measures: ['Offers.count'], filters: [{ member: 'Offers.channel', operator: 'equals' }] }, /^Values required for filter/);
  await rejects({ measures: ['Offers.count'], filters: [{ member: 'Offers.channel', values: ['a'] }] }, /^Operator required for filter/);
  await rejects({ measures: ['Offers.count'], filters: [{ member: 'Customers.mrr', operator: 'contains', values: ['1'] }] }, /contains needs a string dimension/);
  await rejects({ measures: ['Offers.count'], filters: [{ member: 'Offers.channel', operator: 'inDateRange', values: ['2025-01-01', '2025-01-02'] }] }, /needs a time dimension/);
  await rejects({ measures: ['Offers.count'], filters: [{ member: 'Customers.mrr', operator: 'gt', values: ['lots'] }] }, /is not a number/);
  await rejects({ measures: ['Offers.count'], filters: [{ or: [{ member: 'Offers.channel', operator: 'set' }, { member: 'Offers.count', operator: 'gt', values: ['1'] }] }] }, /mixes dimensions and measures/);
});

test('SQL in member names, order keys and time zones never reaches SQL: QUERY_INVALID', async () => {
  await rejects({ measures: [`Offers.count${INJECTION}`] }, /Invalid query format: measures\[0\]/);
  await rejects({ dimensions: ['Offers.channel"; DROP TABLE offers; --'] }, /Invalid query format: dimensions\[0\]/);
  await rejects({ measures: ['Offers.count'], filters: [{ member: `Offers.channel ${INJECTION}`, operator: 'set' }] }, /Invalid query format/);
  await rejects({ measures: ['Offers.count'], order: { [`Offers.count ${INJECTION}`]: 'asc' } }, /not found for path/);
  await rejects({ measures: ['Offers.count'], order: { 'Offers.count': `asc; ${INJECTION}` } }, /Invalid query format: order/);
  await rejects({ measures: ['Offers.count'], timezone: `UTC'; ${INJECTION}` }, /is not a time zone name/);
  await rejects({ measures: ['Offers.count'], limit: '10; DROP TABLE offers' }, /Invalid query format: limit/);
  await rejects({ measures: ['Offers.count'], sql: 'SELECT 1' }, /"sql" is not allowed/);
});

test('SQL in filter values is a bound parameter, in every dialect', async () => {
  const query = { measures: ['Offers.count'], filters: [{ member: 'Offers.offerName', operator: 'contains', values: [INJECTION] }, { member: 'Offers.channel', operator: 'equals', values: [INJECTION] }] };
  assert.ok(DIALECTS.length >= 2, 'the dialect registry is not empty');
  for (const dialect of DIALECTS) {
    const got = compileToSql(model, query, { now: NOW, access: allAccess('local'), dialect });
    assert.ok(!Array.isArray(got));
    const [text, params] = got.sql['sql'] as [string, unknown[]];
    assert.equal(text.includes('DROP'), false, dialect.name);
    assert.ok(params.includes(INJECTION) && params.includes(INJECTION.replace(/([\\_%])/g, '\\$1')), dialect.name);
  }
  const { results } = await answerQuery(store, model, query, { now: NOW, access: allAccess('local') });
  assert.deepEqual(results[0]?.data, [{ 'Offers.count': '0' }]);
  const [count] = await store.query('SELECT count(*) AS n FROM offers');
  assert.equal(Number(count?.['n']), OFFERS.length);
});

test('other bad queries: hidden members, non-time time dimensions, limits, empty queries', async () => {
  await rejects({ measures: ['Offers.upsellOffers'] }, "You requested hidden member: 'Offers.upsellOffers'. Please make it visible using `shown: true`.");
  await rejects({ measures: ['Offers.count'], timeDimensions: [{ dimension: 'Offers.channel', granularity: 'month' }] }, /is a string dimension, not a time dimension/);
  await rejects({ measures: ['Offers.count'], limit: 50001 }, 'The query limit has been exceeded.');
  await rejects({}, /^Query should contain either measures, dimensions or timeDimensions with granularities/);
  await rejects({ measures: ['Offers.count'], timeDimensions: [{ dimension: 'Offers.offeredAt', dateRange: 'sometime soon' }] }, "Can't parse date: 'sometime soon'");
  await rejects({ measures: ['Offers.count'], timeDimensions: [{ dimension: 'Offers.offeredAt', granularity: 'fortnight' }] }, /Invalid query format: timeDimensions\[0\]\.granularity/);
});

test('hidden members may still be filtered on (the security context does)', async () => {
  const { results } = await answerQuery(store, model, { measures: ['Offers.count'] }, {
    now: NOW,
    access: tenantAccess([{ member: 'Offers.upsellOffers', operator: 'gt', values: ['0'] }]),
  });
  assert.equal(results[0]?.data[0]?.['Offers.count'], String(OFFERS.length));
  assert.ok(compileToSql(model, { measures: ['Offers.count'] }, { now: NOW, access: allAccess('local'), dialect: duckdbDialect }));
});
