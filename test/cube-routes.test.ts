import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { SignJWT } from 'jose';
import { buildApp } from '../src/server/index.js';
import { DuckDbStore } from '../src/store/index.js';
import { loadFixture } from './fixture-data.js';

// Server behaviour around the semantic layer: security filters from token claims, the answer
// cache and its invalidation by ingest, and Cube's `Continue wait` long-poll.
const SECRET = 'cube-routes-test-secret-of-32-bytes-at-least';
const CLOCK = new Date('2025-07-15T00:00:00Z');
let store: DuckDbStore;

async function token(claims: Record<string, unknown> = {}): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(SECRET));
}

async function count(where = 'TRUE'): Promise<number> {
  const [row] = await store.query(`SELECT count(*) AS n FROM offers o LEFT JOIN customers c USING (customer_id) WHERE ${where}`);
  return Number(row?.['n']);
}

async function load(app: FastifyInstance, query: unknown, claims: Record<string, unknown> = {}) {
  return app.inject({
    method: 'GET',
    url: `/cubejs-api/v1/load?query=${encodeURIComponent(JSON.stringify(query))}`,
    headers: { authorization: await token(claims) },
  });
}

before(async () => {
  store = await DuckDbStore.open(':memory:');
  await loadFixture(store);
});
after(async () => store.close());

describe('Cube routes in the server', () => {
  test('a security rule restricts every query to the token claim, and refuses tokens without it', async () => {
    const { app } = await buildApp({
      store,
      secret: SECRET,
      logLevel: 'silent',
      clock: () => CLOCK,
      securityRules: [{ member: 'Customers.region', claim: 'region', required: true }],
    });
    const emea = await load(app, { measures: ['Offers.count'] }, { region: 'emea' });
    assert.equal(emea.statusCode, 200);
    assert.equal(Number(emea.json().data[0]['Offers.count']), await count("c.region = 'emea'"));
    // The caller's own filter cannot widen the rule: it is ANDed with it.
    const widen = await load(app, { measures: ['Offers.count'], filters: [{ member: 'Customers.region', operator: 'equals', values: ['amer'] }] }, { region: 'emea' });
    assert.equal(Number(widen.json().data[0]['Offers.count']), 0);
    const none = await load(app, { measures: ['Offers.count'] });
    assert.equal(none.statusCode, 403);
    assert.match(none.json().error, /no 'region' claim/);
    await app.close();
  });

  test('identical queries are answered from the cache until an ingest commits', async () => {
    const { app } = await buildApp({ store, secret: SECRET, logLevel: 'silent', clock: () => CLOCK });
    const query = { measures: ['Offers.count'] };
    const first = (await load(app, query)).json();
    const second = (await load(app, query)).json();
    assert.equal(second.lastRefreshTime, first.lastRefreshTime, 'second answer came from the cache');
    const before = Number(first.data[0]['Offers.count']);
    const body = 'offer_id,customer_id,offered_at,offer_type,offer_name,accepted_at\nnew-1,c1,2025-06-01T10:00:00Z,upsell,Premium tier,\n';
    const ingest = await app.inject({ method: 'POST', url: '/api/v1/ingest/offers', headers: { authorization: await token(), 'content-type': 'text/csv' }, payload: body });
    assert.equal(ingest.statusCode, 200, ingest.body);
    const third = (await load(app, query)).json();
    assert.equal(Number(third.data[0]['Offers.count']), before + 1);
    assert.equal(Number(third.data[0]['Offers.count']), await count());
    await store.run("DELETE FROM offers WHERE offer_id = 'new-1'");
    await app.close();
  });

  test('a slow answer says Continue wait, and asking again joins the running query', async () => {
    const { app } = await buildApp({ store, secret: SECRET, logLevel: 'silent', clock: () => CLOCK, continueWaitMs: 0 });
    const query = { measures: ['Offers.count', 'Offers.conversionRate'], dimensions: ['Offers.offerName', 'Customers.industry'] };
    const first = await load(app, query);
    assert.equal(first.statusCode, 200);
    assert.deepEqual(first.json(), { error: 'Continue wait' });
    let answer: { data?: unknown[] } = {};
    for (let i = 0; i < 200 && !answer.data; i++) {
      answer = (await load(app, query)).json();
      if (!answer.data) await new Promise((r) => setTimeout(r, 10));
    }
    assert.equal(answer.data?.length, 12, '4 offers × 3 industries');
    await app.close();
  });

  test('an oversized query body is a 413 JSON error and reaches no database', async () => {
    const { app } = await buildApp({ store, secret: SECRET, logLevel: 'silent', clock: () => CLOCK });
    const huge = JSON.stringify({ query: { measures: ['Offers.count'], filters: [{ member: 'Offers.channel', operator: 'equals', values: ['x'.repeat(2 * 1024 * 1024)] }] } });
    const res = await app.inject({ method: 'POST', url: '/cubejs-api/v1/load', headers: { authorization: await token(), 'content-type': 'application/json' }, payload: huge });
    assert.equal(res.statusCode, 413);
    assert.equal(res.headers['content-type']?.toString().startsWith('application/json'), true);
    assert.match(res.json().error, /too large|limit/i);
    await app.close();
  });
});
