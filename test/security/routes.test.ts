/**
 * Deny by default, proved on every route the app registers (enumerated from the app, not listed
 * by hand): no token, and every disguise of the path (encoded letters, double slashes, dot
 * segments, case, absolute-form targets), is never a 2xx and never data. Only the routes meant to
 * be public are.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { SignJWT } from 'jose';
import { alertSetup } from '../../src/alerts/index.js';
import { configSchema } from '../../src/config/index.js';
import { loadModel, shippedModelDir } from '../../src/model/index.js';
import { buildApp } from '../../src/server/index.js';
import type { RouteEntry } from '../../src/server/auth.js';
import { DuckDbStore } from '../../src/store/index.js';
import { fixtureClock, loadFixture } from '../fixture-data.js';
import { disguises, rawRequest } from './raw-http.js';

const SECRET = 'route-enumeration-secret-of-at-least-32-bytes';
let dir: string;
let store: DuckDbStore;
let app: FastifyInstance;
let routes: RouteEntry[];
let port: number;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'uprate-routes-'));
  mkdirSync(join(dir, 'web', 'assets'), { recursive: true });
  writeFileSync(join(dir, 'web', 'index.html'), '<!doctype html><title>uprate</title>');
  store = await DuckDbStore.open(':memory:');
  await loadFixture(store);
  const model = await loadModel(shippedModelDir());
  const config = configSchema.parse({ alerts: { rules: [{ name: 'poor', condition: { type: 'below', band: 'poor' } }] } });
  let list: () => RouteEntry[];
  ({ app, routes: list } = await buildApp({ store, secret: SECRET, logLevel: 'silent', model, webDir: join(dir, 'web'), alerts: alertSetup(config, model), clock: fixtureClock }));
  routes = list();
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  port = typeof address === 'object' && address ? address.port : 0;
});
after(async () => {
  await app.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A concrete path for a route pattern (the static wildcard gets a file that exists). */
const concrete = (url: string) => url.replace('*', 'index.html').replace(/:(\w+)/g, 'x');

test('the routes enumerated are the app’s, and only health, the OpenAPI document and the page are public', () => {
  assert.ok(routes.length >= 20, `only ${routes.length} routes enumerated`);
  const urls = new Set(routes.map((r) => r.url));
  for (const u of ['/health', '/api/v1/kpi', '/api/v1/report', '/api/v1/ingest/offers', '/cubejs-api/v1/load', '/api/v1/alerts/check']) assert.ok(urls.has(u), `${u} enumerated`);
  const publicUrls = [...new Set(routes.filter((r) => r.public).map((r) => r.url))].sort();
  // The page is `/` without a build, `/*` (files, index.html at /) with one.
  assert.deepEqual(publicUrls, ['/*', '/api/v1/openapi.json', '/health']);
});

test('every private route refuses a request without a token, however its path is written', async () => {
  const leaks: string[] = [];
  let tried = 0;
  for (const route of routes.filter((r) => !r.public)) {
    for (const target of disguises(concrete(route.url))) {
      const body = route.method === 'POST' ? 'offer_id\n' : '';
      const headers: Record<string, string> = route.method === 'POST' ? { 'content-type': route.url.includes('ingest') ? 'text/csv' : 'application/json' } : {};
      const answer = await rawRequest(port, route.method, target, headers, route.method === 'POST' && !route.url.includes('ingest') ? '{}' : body);
      tried += 1;
      if (answer.status >= 200 && answer.status < 400) leaks.push(`${route.method} ${target} → ${answer.status} ${answer.body.slice(0, 80)}`);
      else if (answer.status !== 403 && answer.status !== 404 && answer.status !== 400) leaks.push(`${route.method} ${target} → unexpected ${answer.status}`);
      // A private route never answers with data, whatever the status.
      if (/"Offers\.count"|"offers":\s*\d|"firing"/.test(answer.body)) leaks.push(`${route.method} ${target} → data in ${answer.status}`);
    }
  }
  assert.ok(tried > 200, `only ${tried} requests tried`);
  assert.deepEqual(leaks, []);
  // Nothing was written by any of them.
  const [row] = await store.query<{ n: bigint }>('SELECT count(*) AS n FROM offers');
  assert.equal(Number(row?.n), 3000);
});

test('with a valid token the plain paths reach their routes (the enumeration hits real handlers)', async () => {
  const token = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(SECRET));
  for (const route of routes.filter((r) => !r.public && r.method === 'GET')) {
    const answer = await rawRequest(port, 'GET', concrete(route.url), { authorization: `Bearer ${token}` });
    assert.notEqual(answer.status, 403, `${route.url}: ${answer.body.slice(0, 200)}`);
    assert.notEqual(answer.status, 404, `${route.url}: ${answer.body.slice(0, 200)}`);
  }
});

test('public /health shows status and engine only; paths and counts need a token', async () => {
  const anonymous = await rawRequest(port, 'GET', '/health');
  assert.equal(anonymous.status, 200);
  assert.deepEqual(JSON.parse(anonymous.body), { status: 'ok', engine: 'duckdb' });
  const token = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(SECRET));
  const full = JSON.parse((await rawRequest(port, 'GET', '/health', { authorization: `Bearer ${token}` })).body) as Record<string, unknown>;
  assert.equal(full['offers'], 3000);
  assert.equal(full['database'], ':memory:');
  const forged = await rawRequest(port, 'GET', '/health', { authorization: 'Bearer not.a.token' });
  assert.deepEqual(JSON.parse(forged.body), { status: 'ok', engine: 'duckdb' });
});

test('dev mode answers only requests addressed to loopback (DNS rebinding)', async () => {
  const dev = await buildApp({ store, dev: true, logLevel: 'silent' });
  try {
    const ok = await dev.app.inject({ method: 'GET', url: '/api/v1/kpi', headers: { host: '127.0.0.1:4000' } });
    assert.equal(ok.statusCode, 200);
    for (const host of ['localhost:4000', '[::1]:4000', '127.0.0.1']) {
      assert.equal((await dev.app.inject({ method: 'GET', url: '/health', headers: { host } })).statusCode, 200, host);
    }
    for (const host of ['evil.example:4000', 'attacker.test', '127.0.0.1.evil.test', 'localhost.attacker.test:4000']) {
      const refused = await dev.app.inject({ method: 'GET', url: '/api/v1/kpi', headers: { host } });
      assert.equal(refused.statusCode, 403, `${host}: ${refused.body}`);
      assert.equal(refused.json().code, 'FORBIDDEN');
      assert.match(refused.json().error, /loopback/);
    }
  } finally {
    await dev.app.close();
  }
});

test('secrets: a short one is refused with a hint; an empty UPRATE_API_SECRET does not hide CUBEJS_API_SECRET', async () => {
  await assert.rejects(buildApp({ store, secret: 'short-secret', logLevel: 'silent' }), (e: unknown) => {
    assert.match(String((e as Error).message), /at least 32/);
    return true;
  });
  const { apiSecret } = await import('../../src/server/auth.js');
  assert.equal(apiSecret({ UPRATE_API_SECRET: '', CUBEJS_API_SECRET: 'cube-secret' }), 'cube-secret');
  assert.equal(apiSecret({ UPRATE_API_SECRET: '  ', CUBEJS_API_SECRET: 'cube-secret' }), 'cube-secret');
  assert.equal(apiSecret({ UPRATE_API_SECRET: 'mine', CUBEJS_API_SECRET: 'cube-secret' }), 'mine');
  assert.equal(apiSecret({}), undefined);
});
