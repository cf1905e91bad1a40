import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import cube, { type CubeApi } from '@cubejs-client/core';
import { SignJWT } from 'jose';
import { buildApp } from '../src/server/index.js';
import { DuckDbStore } from '../src/store/index.js';
import { fixtureClock, loadFixture } from './fixture-data.js';

const SECRET = 'cube-api-test-secret-of-32-bytes-at-least';
let store: DuckDbStore;
let close: () => Promise<void>;
let base: string;
let api: CubeApi;

async function sql<T = Record<string, unknown>>(text: string): Promise<T[]> {
  return store.query(text) as Promise<T[]>;
}

const num = (v: unknown) => Number(v);

before(async () => {
  store = await DuckDbStore.open(':memory:');
  await loadFixture(store);
  const { app } = await buildApp({ store, secret: SECRET, logLevel: 'silent', clock: fixtureClock });
  base = await app.listen({ host: '127.0.0.1', port: 0 });
  close = async () => {
    await app.close();
    await store.close();
  };
  const token = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(SECRET));
  api = cube(token, { apiUrl: `${base}/cubejs-api/v1` });
});
after(async () => close());

describe('Cube-compatible API driven by @cubejs-client/core', () => {
  test('totals match plain SQL', async () => {
    const rs = await api.load({ measures: ['Offers.count', 'Offers.accepted', 'Offers.conversionRate', 'Offers.expansionRevenue'] });
    const [row] = rs.tablePivot();
    const [expected] = await sql<{ n: bigint; a: bigint; r: number; rev: number }>(`
      SELECT count(*) AS n,
        count(*) FILTER (WHERE accepted_at IS NOT NULL AND accepted_at <= offered_at + INTERVAL 30 DAY AND accepted_at <= TIMESTAMP '2025-07-15') AS a,
        a / n AS r,
        sum(revenue) FILTER (WHERE accepted_at IS NOT NULL AND accepted_at <= offered_at + INTERVAL 30 DAY AND accepted_at <= TIMESTAMP '2025-07-15') AS rev
      FROM offers`);
    assert.equal(num(row?.['Offers.count']), num(expected?.n));
    assert.equal(num(row?.['Offers.accepted']), num(expected?.a));
    assert.ok(Math.abs(num(row?.['Offers.conversionRate']) - num(expected?.r)) < 1e-9);
    assert.ok(Math.abs(num(row?.['Offers.expansionRevenue']) - num(expected?.rev)) < 1e-6);
  });

  test('monthly conversion by account size: tablePivot, chartPivot and series agree with SQL', async () => {
    const query = {
      measures: ['Offers.count', 'Offers.accepted', 'Offers.conversionRate'],
      dimensions: ['Customers.accountSize'],
      timeDimensions: [{ dimension: 'Offers.offeredAt', granularity: 'month' as const, dateRange: ['2025-01-01', '2025-06-30'] as [string, string] }],
      order: { 'Offers.offeredAt': 'asc' as const, 'Customers.accountSize': 'asc' as const },
    };
    const rs = await api.load(query);
    const expected = await sql<{ m: string; size: string; n: bigint; a: bigint }>(`
      SELECT strftime(date_trunc('month', o.offered_at), '%Y-%m-%dT%H:%M:%S.000') AS m, c.account_size AS size, count(*) AS n,
        count(*) FILTER (WHERE o.accepted_at IS NOT NULL AND o.accepted_at <= o.offered_at + INTERVAL 30 DAY AND o.accepted_at <= TIMESTAMP '2025-07-15') AS a
      FROM offers o LEFT JOIN customers c ON c.customer_id = o.customer_id
      GROUP BY ALL ORDER BY m, size`);
    const rows = rs.tablePivot();
    assert.equal(rows.length, expected.length);
    for (const [i, e] of expected.entries()) {
      const r = rows[i] ?? {};
      assert.equal(r['Offers.offeredAt.month'], e.m);
      assert.equal(r['Customers.accountSize'], e.size);
      assert.equal(num(r['Offers.count']), num(e.n));
      assert.equal(num(r['Offers.accepted']), num(e.a));
      assert.ok(Math.abs(num(r['Offers.conversionRate']) - num(e.a) / num(e.n)) < 1e-9);
    }
    const series = rs.series();
    assert.ok(series.length >= 3, 'one series per account size and measure');
    const chart = rs.chartPivot();
    assert.equal(chart.length, 6, 'one chart point per month');
  });

  test('compareDateRange answers one result set per range', async () => {
    const rs = await api.load({
      measures: ['Offers.count'],
      timeDimensions: [{ dimension: 'Offers.offeredAt', granularity: 'month', compareDateRange: [['2025-01-01', '2025-01-31'], ['2025-02-01', '2025-02-28']] }],
    });
    const sets = rs.decompose();
    assert.equal(sets.length, 2);
    const expected = await sql<{ m: number; n: bigint }>(`SELECT month(offered_at) AS m, count(*) AS n FROM offers WHERE offered_at < '2025-03-01' GROUP BY 1 ORDER BY 1`);
    assert.deepEqual(
      sets.map((s) => num(s.tablePivot()[0]?.['Offers.count'])),
      expected.map((e) => num(e.n)),
    );
  });

  test('meta lists the shipped cubes and members', async () => {
    const meta = await api.meta();
    const offers = meta.cubes.find((c) => c.name === 'Offers');
    assert.ok(offers);
    for (const m of ['count', 'accepted', 'pending', 'conversionRate', 'upsellConversionRate', 'crossSellConversionRate', 'customersOffered', 'customersConverted', 'customerConversionRate', 'expansionRevenue', 'revenuePerOffer', 'avgDaysToAccept']) {
      assert.ok(offers.measures.some((x) => x.name === `Offers.${m}`), `Offers.${m}`);
    }
    const customers = meta.cubes.find((c) => c.name === 'Customers');
    assert.ok(customers?.dimensions.some((d) => d.name === 'Customers.engagementTier'));
  });

  test('bad queries are 400 JSON errors naming the member; SQL in values is bound, not run', async () => {
    const unknown = await fetch(`${base}/cubejs-api/v1/load?query=${encodeURIComponent(JSON.stringify({ measures: ['Offers.nope'] }))}`);
    // No token on a raw fetch: 403 first.
    assert.equal(unknown.status, 403);
    const token = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(SECRET));
    const get = (q: unknown) => fetch(`${base}/cubejs-api/v1/load?query=${encodeURIComponent(JSON.stringify(q))}`, { headers: { authorization: token } });
    const r1 = await get({ measures: ['Offers.nope'] });
    assert.equal(r1.status, 400);
    assert.match(((await r1.json()) as { error: string }).error, /'nope' not found for path 'Offers\.nope'/);
    const r2 = await get({ measures: ['Offers.count'], filters: [{ member: 'Offers.channel', operator: 'resembles', values: ['x'] }] });
    assert.equal(r2.status, 400);
    const r3 = await fetch(`${base}/cubejs-api/v1/load?query=%7Bnot-json`, { headers: { authorization: token } });
    assert.equal(r3.status, 400);
    const r4 = await get({ measures: ['Offers.count'], filters: [{ member: 'Offers.channel', operator: 'equals', values: ["x'; DROP TABLE offers; --"] }] });
    assert.equal(r4.status, 200);
    const body = (await r4.json()) as { data: { 'Offers.count': string }[] };
    assert.equal(num(body.data[0]?.['Offers.count']), 0);
    const r5 = await get({ measures: ['Offers.count; DROP TABLE offers'] });
    assert.equal(r5.status, 400);
    const [still] = await sql<{ n: bigint }>('SELECT count(*) AS n FROM offers');
    assert.equal(num(still?.n), 3000);
  });
});
