/**
 * Years 0–99 are years 0–99 everywhere a date enters the HTTP API (JavaScript's Date would read
 * them as 1900–1999), and ranges at the calendar's ends answer instead of failing.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { fixtureServer } from './fixture-data.js';

let app: FastifyInstance;
let close: () => Promise<void>;
before(async () => {
  ({ app, close } = await fixtureServer());
});
after(async () => close());

const get = (url: string) => app.inject({ method: 'GET', url, headers: { host: '127.0.0.1' } });

test('a Cube dateRange in the year 50 echoes the year 50', async () => {
  const query = encodeURIComponent(JSON.stringify({ measures: ['Offers.count'], timeDimensions: [{ dimension: 'Offers.offeredAt', dateRange: ['0050-01-01', '0050-12-31'] }] }));
  const answer = await get(`/cubejs-api/v1/load?query=${query}`);
  assert.equal(answer.statusCode, 200, answer.body);
  assert.deepEqual(answer.json().query.timeDimensions[0].dateRange, ['0050-01-01T00:00:00.000', '0050-12-31T23:59:59.999']);
  assert.equal(Number(answer.json().data[0]['Offers.count']), 0);
});

test('a monthly series in the year 50 has its twelve months, each empty', async () => {
  const answer = await get('/api/v1/timeseries?from=0050-01-01&to=0050-12-31&grain=month&asOf=2025-07-15');
  assert.equal(answer.statusCode, 200, answer.body);
  const points = answer.json().points as { period: string; offers: number }[];
  assert.equal(points.length, 12);
  assert.equal(points[0]?.period, '0050-01-01');
  assert.equal(points[11]?.period, '0050-12-01');
  assert.ok(points.every((p) => p.offers === 0));
});

test('a KPI range whose previous period would start before year 0 has no previous period', async () => {
  const answer = await get('/api/v1/kpi?from=1000-01-01&to=2025-12-31&asOf=2025-12-31');
  assert.equal(answer.statusCode, 200, answer.body);
  assert.equal(answer.json().previous, null);
  assert.equal(answer.json().change, null);
  assert.equal(answer.json().offers, 3000); // every fixture offer lies in 2025 (plain SQL: 3000 rows)
});

test('report: a time in the year 50 stays there; a range to 9999-12-31 answers; by=constructor is an unknown dimension', async () => {
  const early = await get('/api/v1/report?from=0050-01-01%2010:00&to=0050-01-31');
  assert.equal(early.statusCode, 200, early.body);
  assert.equal(early.json().from, '0050-01-01T10:00:00.000Z');
  assert.equal(early.json().total.offers, 0);
  const late = await get('/api/v1/report?from=2025-01-01&to=9999-12-31');
  assert.equal(late.statusCode, 200, late.body);
  assert.equal(late.json().total.offers, 3000);
  const odd = await get('/api/v1/report?by=constructor');
  assert.equal(odd.statusCode, 400);
  assert.match(odd.json().error, /unknown dimension 'constructor'/);
});
