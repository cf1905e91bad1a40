import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { SignJWT } from 'jose';
import { generateDemo } from '../../demo/index.js';
import { DuckDbStore } from '../../store/index.js';
import { loadModel, shippedModelDir } from '../../model/index.js';
import { modelRollups } from '../../rollups/index.js';
import { buildApp } from '../app.js';

const SECRET = 'rollup-routes-secret-of-at-least-32-bytes';
const token = (claims: Record<string, unknown>) => new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(SECRET));
let store: DuckDbStore;
let app: FastifyInstance;
const tokens: Record<string, string> = {};

before(async () => {
  store = await DuckDbStore.open(':memory:');
  await generateDemo(store, { rows: 3_000, seed: 11, end: new Date('2025-06-30T00:00:00Z') });
  ({ app } = await buildApp({
    store,
    secret: SECRET,
    logLevel: 'silent',
    clock: () => new Date('2025-07-10T00:00:00Z'),
    securityRules: [{ member: 'Customers.region', claim: 'region', required: true }],
    adminClaim: 'role=admin',
  }));
  tokens['admin'] = await token({ role: 'admin', region: 'emea' });
  tokens['tenant'] = await token({ region: 'emea' });
});

after(async () => {
  await app.close();
  await store.close();
});

const call = (method: 'GET' | 'POST', url: string, who: string) => app.inject({ method, url, headers: { authorization: `Bearer ${tokens[who] ?? ''}` } });

/** The shipped model's rollups, in its order (the server lists them so). */
const SHIPPED = modelRollups(await loadModel(shippedModelDir())).map((r) => r.path);

test("an admin builds, lists and drops rollups through the server; the counts are the rows'", async () => {
  const missing = await call('GET', '/api/v1/rollups', 'admin');
  assert.equal(missing.statusCode, 200, missing.body);
  assert.deepEqual(
    (missing.json() as { rollups: { name: string; state: string }[] }).rollups.map((r) => [r.name, r.state]),
    SHIPPED.map((name) => [name, 'missing']),
  );
  const built = await call('POST', '/api/v1/rollups/build?name=Offers.daily', 'admin');
  assert.equal(built.statusCode, 200, built.body);
  const [daily] = (built.json() as { built: { name: string; rows: number }[] }).built;
  // One row per day and offer type, channel, offer name and campaign that has offers: plain SQL counts them.
  const [groups] = await store.query<{ n: bigint }>('SELECT count(*) AS n FROM (SELECT DISTINCT date_trunc(\'day\', offered_at), offer_type, channel, offer_name, campaign FROM offers)');
  assert.equal(daily?.rows, Number(groups?.n));
  const listed = (await call('GET', '/api/v1/rollups', 'admin')).json() as { rollups: { name: string; state: string; rows: number | null }[] };
  assert.deepEqual(listed.rollups.map((r) => [r.name, r.state, r.rows]), SHIPPED.map((name) => (name === 'Offers.daily' ? [name, 'fresh', Number(groups?.n)] : [name, 'missing', null])));
  const dropped = await call('POST', '/api/v1/rollups/drop', 'admin');
  assert.deepEqual(dropped.json(), { dropped: ['Offers.daily'] });
});

test('a tenant may not see or touch rollups; an unknown name is a 4xx naming the known ones', async () => {
  for (const [method, url] of [['GET', '/api/v1/rollups'], ['POST', '/api/v1/rollups/build'], ['POST', '/api/v1/rollups/drop']] as const) {
    const res = await call(method, url, 'tenant');
    assert.equal(res.statusCode, 403, `${method} ${url}: ${res.body}`);
    assert.match((res.json() as { error: string }).error, /needs an admin token/);
  }
  const unknown = await call('POST', '/api/v1/rollups/build?name=Offers.nope', 'admin');
  assert.equal(unknown.statusCode, 400, unknown.body);
  assert.match((unknown.json() as { error: string }).error, /no rollup Offers\.nope[\s\S]*Offers\.daily, Offers\.segments/);
});
