import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SignJWT } from 'jose';
import { DuckDbStore } from '../store/index.js';
import { buildApp } from './app.js';

const SECRET = 'test-secret-for-uprate-of-32-bytes-at-least';
const HEADER = 'offer_id,customer_id,offered_at,offer_type,offer_name,accepted_at';

async function token(claims: Record<string, unknown> = {}, secret = SECRET): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setIssuedAt().setExpirationTime('5m').sign(new TextEncoder().encode(secret));
}

async function setup(dev = false) {
  const store = await DuckDbStore.open(':memory:');
  const { app } = await buildApp({ store, dev, secret: SECRET, logLevel: 'silent' });
  return { store, app, close: async () => { await app.close(); await store.close(); } };
}

describe('HTTP server', () => {
  test('GET /health answers without a token', async () => {
    const { app, close } = await setup();
    const res = await app.inject({ method: 'GET', url: '/health' });
    assert.equal(res.statusCode, 200);
    assert.equal(res.json().status, 'ok');
    await close();
  });

  test('a read POSTed with a body over a real socket is answered (a read body is not a client gone)', async () => {
    const { app, close } = await setup(true);
    try {
      const url = await app.listen({ host: '127.0.0.1', port: 0 });
      const query = { measures: ['Offers.count'] };
      for (const path of ['/cubejs-api/v1/load', '/cubejs-api/v1/sql']) {
        const res = await fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
        assert.equal(res.status, 200, `${path}: ${await res.clone().text()}`);
      }
      const load = (await (await fetch(`${url}/cubejs-api/v1/load`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) })).json()) as { data: Record<string, unknown>[] };
      assert.deepEqual(load.data, [{ 'Offers.count': '0' }]);
    } finally {
      await close();
    }
  });

  test('API calls need a valid HS256 token, with Cube\'s error bodies', async () => {
    const { app, close } = await setup();
    const none = await app.inject({ method: 'GET', url: '/api/v1/report' });
    assert.equal(none.statusCode, 403);
    assert.equal(none.json().error, "Authorization header isn't set");
    const bad = await app.inject({ method: 'GET', url: '/api/v1/report', headers: { authorization: `Bearer ${await token({}, 'wrong-secret')}` } });
    assert.equal(bad.statusCode, 403);
    assert.equal(bad.json().error, 'Invalid token');
    const good = await app.inject({ method: 'GET', url: '/api/v1/report', headers: { authorization: await token() } });
    assert.equal(good.statusCode, 200, good.body);
    await close();
  });

  test('POST /api/v1/ingest/offers loads CSV and NDJSON, all or nothing, idempotent', async () => {
    const { app, store, close } = await setup(true);
    const csv = `${HEADER}\no1,c1,2025-01-01T00:00:00Z,upsell,Premium,2025-01-02T00:00:00Z\no2,c2,2025-01-03T00:00:00Z,cross_sell,Seats,\n`;
    const first = await app.inject({ method: 'POST', url: '/api/v1/ingest/offers', headers: { 'content-type': 'text/csv' }, payload: csv });
    assert.equal(first.statusCode, 200, first.body);
    assert.deepEqual([first.json().inserted, first.json().updated], [2, 0]);
    const again = await app.inject({ method: 'POST', url: '/api/v1/ingest/offers', headers: { 'content-type': 'text/csv' }, payload: csv });
    assert.deepEqual([again.json().inserted, again.json().updated, again.json().unchanged], [0, 0, 2]);
    const ndjson = '{"offer_id":"o3","customer_id":"c1","offered_at":"2025-02-01T00:00:00Z","offer_type":"upsell","offer_name":"Premium"}\n';
    const nd = await app.inject({ method: 'POST', url: '/api/v1/ingest/offers', headers: { 'content-type': 'application/x-ndjson' }, payload: ndjson });
    assert.equal(nd.statusCode, 200, nd.body);
    const [row] = await store.query<{ n: bigint }>('SELECT count(*) AS n FROM offers');
    assert.equal(Number(row?.n), 3);

    const bad = await app.inject({
      method: 'POST',
      url: '/api/v1/ingest/offers',
      headers: { 'content-type': 'text/csv', 'x-uprate-source': 'export.csv' },
      payload: `${HEADER}\no4,c1,2025-01-01T00:00:00Z,upsell,Premium,\no5,c1,not-a-date,upsell,Premium,\n`,
    });
    assert.equal(bad.statusCode, 400);
    const body = bad.json();
    assert.equal(body.code, 'INVALID_ROWS');
    assert.deepEqual(body.details.errors.map((e: { location: string; field: string }) => [e.location, e.field]), [['export.csv:3', 'offered_at']]);
    const [after] = await store.query<{ n: bigint }>('SELECT count(*) AS n FROM offers');
    assert.equal(Number(after?.n), 3);
    await close();
  });

  test('an unsupported content type or a bad header is a 400 with a JSON error', async () => {
    const { app, close } = await setup(true);
    const xml = await app.inject({ method: 'POST', url: '/api/v1/ingest/offers', headers: { 'content-type': 'application/xml' }, payload: '<x/>' });
    assert.equal(xml.statusCode, 415);
    assert.ok(xml.json().error);
    const header = await app.inject({ method: 'POST', url: '/api/v1/ingest/customers', headers: { 'content-type': 'text/csv' }, payload: 'id,size\n1,2\n' });
    assert.equal(header.statusCode, 400);
    assert.equal(header.json().code, 'BAD_HEADER');
    assert.match(header.json().error, /missing required column customer_id/);
    const missing = await app.inject({ method: 'GET', url: '/nope' });
    assert.equal(missing.statusCode, 404);
    await close();
  });
});
