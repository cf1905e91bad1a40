/**
 * GET /api/v1/propensity and /api/v1/opportunities on a small demo store, through the whole app:
 * the caller's security filter restricts who is trained on and ranked, the answer cache serves a
 * repeated request (JSON and CSV share one computation), bad parameters are 400s naming the
 * parameter, and every 2xx body is checked against its schema (response-check.ts is on under the
 * test runner).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { SignJWT } from 'jose';
import type { z } from 'zod';
import { generateDemo } from '../../demo/index.js';
import type { opportunitiesResponseSchema, propensityReportSchema } from '../../insights/api-schema.js';
import type { OpportunitiesResponse, PropensityReport } from '../../propensity/types.js';
import { DuckDbStore } from '../../store/index.js';
import { parseCsv } from '../../../web/src/csv.js';
import { buildApp } from '../app.js';
import { OPPORTUNITY_COLUMNS } from '../../propensity/opportunities-table.js';

// The engine's types fit the contract's schemas (a compile-time check).
type Fits<T extends U, U> = [T, U];
export type PropensityTypesFit = [Fits<PropensityReport, z.input<typeof propensityReportSchema>>, Fits<OpportunitiesResponse, z.input<typeof opportunitiesResponseSchema>>];

const SECRET = 'propensity-routes-secret-of-at-least-32-bytes';
const sign = (claims: Record<string, unknown>) => new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(SECRET));
let store: DuckDbStore;
let app: FastifyInstance;
const tokens: Record<string, string> = {};

before(async () => {
  store = await DuckDbStore.open(':memory:');
  await generateDemo(store, { rows: 20_000, seed: 11, end: new Date('2025-06-30T00:00:00Z') });
  ({ app } = await buildApp({
    store,
    secret: SECRET,
    logLevel: 'silent',
    clock: () => new Date('2025-07-10T00:00:00Z'),
    securityRules: [{ member: 'Customers.region', claim: 'region', required: true }],
  }));
  tokens['europe'] = await sign({ region: 'europe' });
  tokens['apac'] = await sign({ region: 'apac' });
  tokens['none'] = await sign({});
});

after(async () => {
  await app?.close();
  await store?.close();
});

const get = (url: string, who = 'europe') => app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${tokens[who] ?? ''}` } });

/** Each customer's region, by plain SQL. */
async function regions(): Promise<Map<string, string>> {
  const rows = await store.query<{ id: string; region: string }>('SELECT customer_id AS id, region FROM customers', []);
  return new Map(rows.map((r) => [String(r.id), String(r.region)]));
}

describe('GET /api/v1/propensity and /api/v1/opportunities', { timeout: 300_000 }, () => {
  let report: PropensityReport;

  test('the report: per offer the model beside the segment-rate baseline, a verdict, the predictor used, the caveat and the uplift plan', async () => {
    const res = await get('/api/v1/propensity');
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.headers['x-uprate-cache'], 'miss');
    report = res.json() as PropensityReport;
    assert.ok(report.offers.length > 0, 'offers were validated');
    for (const o of report.offers) {
      assert.ok(o.used === 'model' || o.used === 'segment rate', o.offerName);
      assert.ok(o.verdict.length > 0, o.offerName);
      // Without a model that beats the baseline the baseline ranks.
      if (o.model === null) assert.equal(o.used, 'segment rate', o.offerName);
    }
    assert.match(report.caveat, /not uplift/i);
    assert.ok(report.upliftPlan.offersPerArm > 0);
    assert.ok(report.sample.note.length > 0);
    const again = await get('/api/v1/propensity');
    assert.equal(again.headers['x-uprate-cache'], 'hit');
    assert.equal(again.body, res.body);
  });

  test('opportunities for one offer: ranked by probability, none holding an open offer, only the caller\'s region', async () => {
    const offer = report.offers[0]?.offerName ?? '';
    const res = await get(`/api/v1/opportunities?offer=${encodeURIComponent(offer)}&limit=25`);
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json() as OpportunitiesResponse;
    assert.equal(body.sort, 'probability');
    assert.ok(body.rows.length > 0 && body.rows.length <= 25, `${body.rows.length} rows`);
    body.rows.forEach((r, i) => {
      assert.equal(r.rank, i + 1);
      assert.equal(r.offerName, offer);
      assert.ok(r.lower <= r.probability && r.probability <= r.upper, `${r.customer}: ${r.lower} ≤ ${r.probability} ≤ ${r.upper}`);
      assert.ok(r.drivers.length <= 3);
      if (i > 0) assert.ok((body.rows[i - 1]?.probability ?? 0) >= r.probability, 'sorted by probability');
    });
    const region = await regions();
    for (const r of body.rows) assert.equal(region.get(r.customer), 'europe', `${r.customer} is in the caller's region`);
    // Nobody ranked holds a pending offer at the clock (plain SQL, the demo's 30-day window).
    const T = "TIMESTAMP '2025-07-10 00:00:00'";
    const pending = await store.query<{ id: string }>(
      `SELECT DISTINCT customer_id AS id FROM offers
       WHERE offered_at <= ${T} AND offered_at + INTERVAL 30 DAY > ${T}
         AND NOT (accepted_at IS NOT NULL AND accepted_at <= offered_at + INTERVAL 30 DAY AND accepted_at <= ${T})
         AND NOT (declined_at IS NOT NULL AND declined_at <= ${T})`,
      [],
    );
    const open = new Set(pending.map((p) => String(p.id)));
    assert.ok(open.size > 0, 'the demo has customers holding open offers at the clock');
    for (const r of body.rows) assert.ok(!open.has(r.customer), `${r.customer} holds an open offer`);
    assert.ok(body.customersWithOpenOffers > 0);
  });

  test('another tenant is trained and ranked on its own rows only', async () => {
    const res = await get('/api/v1/opportunities?limit=50', 'apac');
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json() as OpportunitiesResponse;
    const region = await regions();
    for (const r of body.rows) assert.equal(region.get(r.customer), 'apac', r.customer);
    assert.ok(body.report.sample.totalOffers < report.sample.totalOffers, 'apac has fewer offers than europe');
    const refused = await get('/api/v1/opportunities', 'none');
    assert.equal(refused.statusCode, 403, refused.body);
  });

  test('sort=revenue ranks by expected revenue', async () => {
    const res = await get('/api/v1/opportunities?sort=revenue&limit=20');
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json() as OpportunitiesResponse;
    assert.equal(body.sort, 'revenue');
    const revenue = body.rows.map((r) => r.expectedRevenue ?? -Infinity);
    assert.deepEqual(revenue, [...revenue].sort((a, b) => b - a));
  });

  test('format=csv: the rows for a CRM, from the same cached answer as the JSON', async () => {
    const offer = report.offers[0]?.offerName ?? '';
    const url = `/api/v1/opportunities?offer=${encodeURIComponent(offer)}&limit=10`;
    const json = (await get(url)).json() as OpportunitiesResponse;
    const res = await get(`${url}&format=csv`);
    assert.equal(res.statusCode, 200, res.body);
    assert.match(String(res.headers['content-type']), /^text\/csv/);
    assert.match(String(res.headers['content-disposition']), /attachment; filename="uprate-opportunities-.*\.csv"/);
    assert.equal(res.headers['x-uprate-cache'], 'hit', 'the CSV is written from the cached JSON answer');
    const [head = [], ...rows] = parseCsv(res.body);
    assert.deepEqual(head.slice(0, OPPORTUNITY_COLUMNS.length), [...OPPORTUNITY_COLUMNS]);
    assert.deepEqual(head.slice(OPPORTUNITY_COLUMNS.length, OPPORTUNITY_COLUMNS.length + json.report.features.length), json.report.features.map((f) => f.member));
    assert.equal(rows.length, json.rows.length);
    const first = json.rows[0];
    assert.ok(first);
    assert.deepEqual(rows[0]?.slice(0, 7), [String(first.rank), first.customer, first.offerName, String(first.probability), String(first.lower), String(first.upper), first.expectedRevenue === null ? '' : String(first.expectedRevenue)]);
  });

  test('bad parameters are 400s naming the parameter', async () => {
    const cases: [string, string][] = [
      ['/api/v1/opportunities?limit=0', 'limit'],
      ['/api/v1/opportunities?limit=10001', 'limit'],
      ['/api/v1/opportunities?limit=2.5', 'limit'],
      ['/api/v1/opportunities?sort=best', 'sort'],
      ['/api/v1/opportunities?format=xml', 'format'],
      ['/api/v1/opportunities?offer=', 'offer'],
      ['/api/v1/opportunities?offer=No%20such%20offer', 'offer'],
      ['/api/v1/propensity?offer=No%20such%20offer', 'offer'],
      ['/api/v1/opportunities?filters=nope', 'filters'],
      ['/api/v1/opportunities?filters=[{"member":"Customers.nope","operator":"equals","values":["x"]}]', 'filters[0].member'],
      ['/api/v1/opportunities?zzz=1', 'zzz'],
      ['/api/v1/propensity?limit=5', 'limit'],
      ['/api/v1/propensity?asOf=yesterday', 'asOf'],
    ];
    for (const [url, location] of cases) {
      const res = await get(url);
      assert.equal(res.statusCode, 400, `${url}: ${res.body}`);
      const body = res.json() as { location?: string; code: string };
      assert.equal(body.code, 'BAD_ARGUMENT', url);
      assert.equal(body.location, location, url);
    }
  });

  test('filters (with the token) that leave no offers: a 404 that names the filters, not an empty store', async () => {
    const none = encodeURIComponent(JSON.stringify([{ member: 'Customers.region', operator: 'equals', values: ['apac'] }]));
    const res = await get(`/api/v1/opportunities?filters=${none}`);
    assert.equal(res.statusCode, 404, res.body);
    const body = res.json() as { location?: string; code: string; error: string };
    assert.equal(body.code, 'NOT_FOUND');
    assert.equal(body.location, 'filters');
    assert.match(body.error, /no offers match the filters/);
  });
});
