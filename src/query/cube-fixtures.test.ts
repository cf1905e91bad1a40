import { readFileSync } from 'node:fs';
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { isUprateError } from '../core/errors.js';
import { loadModel, type Model } from '../model/index.js';
import { postgresDialect } from '../sql/index.js';
import type { DuckDbStore } from '../store/index.js';
import { upsellOffersStore } from '../../test/fixtures/models/offers-data.js';
import { answerQuery, compileToSql, meta } from './index.js';
import { allAccess } from './access.js';

// The seed's cube, fixed, answers with the wire format of a real Cube 0.33 server.
const fixture = (name: string) => JSON.parse(readFileSync(`test/fixtures/models/cube-0.33/${name}`, 'utf8')) as Record<string, unknown>;
const now = new Date('2026-01-15T12:00:00Z');
let model: Model;
let store: DuckDbStore;

before(async () => {
  model = await loadModel('test/fixtures/models/seed-fixed');
  store = await upsellOffersStore();
});
after(() => store.close());

const Q1 = { measures: ['UpsellOffers.totalUpsellOffers', 'UpsellOffers.successfulUpsells'] };
const Q2 = { ...Q1, timeDimensions: [{ dimension: 'UpsellOffers.offerDate', granularity: 'month', dateRange: ['2025-01-01', '2025-12-31'] }] };

test('totals: query echo and annotation as Cube sends them, numbers as strings from plain SQL', async () => {
  const { results } = await answerQuery(store, model, Q1, { now, access: allAccess('local') });
  const [r] = results;
  const expected = fixture('q1_totals_cached.json');
  assert.equal(JSON.stringify(r?.query), JSON.stringify(expected['query']));
  assert.equal(JSON.stringify(r?.annotation), JSON.stringify(expected['annotation']));
  const [sums] = await store.query('SELECT sum(total_upsell_offers) AS t, sum(successful_upsells) AS s FROM upsell_offers');
  assert.deepEqual(r?.data, [{ 'UpsellOffers.totalUpsellOffers': String(sums?.['t']), 'UpsellOffers.successfulUpsells': String(sums?.['s']) }]);
  assert.equal(r?.total, null);
});

test('by month: both time keys, local timestamps, the date range normalised', async () => {
  const { results } = await answerQuery(store, model, Q2, { now, access: allAccess('local') });
  const [r] = results;
  const expected = fixture('q2_month_cached.json');
  assert.equal(JSON.stringify(r?.query), JSON.stringify(expected['query']));
  assert.equal(JSON.stringify(r?.annotation), JSON.stringify(expected['annotation']));
  const first = (expected['data'] as Record<string, unknown>[])[0] ?? {};
  assert.deepEqual(Object.keys(r?.data[0] ?? {}), Object.keys(first));
  const plain = await store.query(`SELECT strftime(date_trunc('month', offer_date), '%Y-%m-%dT%H:%M:%S.000') AS m,
      sum(total_upsell_offers) AS t, sum(successful_upsells) AS s
    FROM upsell_offers WHERE offer_date >= TIMESTAMP '2025-01-01' AND offer_date < TIMESTAMP '2026-01-01' GROUP BY 1 ORDER BY 1`);
  assert.deepEqual(
    r?.data,
    plain.map((p) => ({ 'UpsellOffers.offerDate.month': p['m'], 'UpsellOffers.offerDate': p['m'], 'UpsellOffers.totalUpsellOffers': String(p['t']), 'UpsellOffers.successfulUpsells': String(p['s']) })),
  );
});

test('the fixed upsellConversionRate is a ratio of sums per month, null where nothing was offered', async () => {
  const query = { measures: ['UpsellOffers.upsellConversionRate'], timeDimensions: [{ dimension: 'UpsellOffers.offerDate', granularity: 'month' }] };
  const { results } = await answerQuery(store, model, query, { now, access: allAccess('local') });
  const plain = await store.query(`SELECT strftime(date_trunc('month', offer_date), '%Y-%m-%dT%H:%M:%S.000') AS m,
      sum(successful_upsells) * 1.0 / NULLIF(sum(total_upsell_offers), 0) AS rate
    FROM upsell_offers GROUP BY 1 ORDER BY 1`);
  assert.deepEqual(
    results[0]?.data.map((d) => [d['UpsellOffers.offerDate.month'], d['UpsellOffers.upsellConversionRate']]),
    plain.map((p) => [p['m'], p['rate'] === null ? null : String(p['rate'])]),
  );
  // 2025-03 holds 20 offers (2 accepted) and a day with none: 2/20, not the mean of 0.1 and 0/0.
  const rate = (month: string) => results[0]?.data.find((d) => d['UpsellOffers.offerDate.month'] === month)?.['UpsellOffers.upsellConversionRate'];
  assert.equal(rate('2025-03-01T00:00:00.000'), '0.1');
  assert.equal(rate('2025-05-01T00:00:00.000'), null);
});

test('/meta is the recorded one', () => {
  assert.equal(JSON.stringify(meta(model)), JSON.stringify(fixture('meta.json')));
});

test('/sql: aliases, time dimension alias, order and UTC parameters as Cube gives them', () => {
  const expected = fixture('sql_q2.json')['sql'] as Record<string, unknown>;
  const got = compileToSql(model, Q2, { now, access: allAccess('local'), dialect: postgresDialect });
  assert.ok(!Array.isArray(got));
  for (const key of ['aliasNameToMember', 'timeDimensionAlias', 'timeDimensionField', 'order', 'external', 'dataSource']) {
    assert.deepEqual(got.sql[key], expected[key], key);
  }
  const [text, params] = got.sql['sql'] as [string, string[]];
  assert.match(text, /date_trunc\('month', .*\) "upsell_offers__offer_date_month"/);
  assert.equal(params[0], '2025-01-01T00:00:00.000Z');
  // Cube's PostgreSQL adapter keeps 3 fractional digits; uprate covers the last millisecond fully.
  assert.equal(params[1], '2025-12-31T23:59:59.999999Z');
});

test('an unknown member is a QUERY_INVALID error worded as Cube words it', async () => {
  const expected = fixture('err_unknown_member.json')['error'];
  await assert.rejects(answerQuery(store, model, { measures: ['UpsellOffers.nope'] }, { now, access: allAccess('local') }), (e: unknown) => {
    assert.ok(isUprateError(e));
    assert.equal(e.code, 'QUERY_INVALID');
    assert.equal(e.message, expected);
    return true;
  });
});
