import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { DuckDbStore } from '../store/index.js';
import { buildApp } from './app.js';
import { openApiDocument } from './openapi.js';

type Doc = {
  openapi: string;
  paths: Record<string, Record<string, { parameters?: { name: string; in: string }[]; security?: unknown[] }>>;
  components: { schemas: Record<string, unknown> };
};

let store: DuckDbStore;
let app: FastifyInstance;
const doc = openApiDocument() as Doc;

before(async () => {
  store = await DuckDbStore.open(':memory:');
  ({ app } = await buildApp({ store, secret: 'openapi-test-secret-of-32-bytes-at-least', logLevel: 'silent' }));
  await app.ready();
});
after(async () => {
  await app.close();
  await store.close();
});

/** Registered [method, path] pairs under /api/v1 (HEAD left out: Fastify adds it to every GET). */
function apiRoutes(): [string, string][] {
  const out: [string, string][] = [];
  // printRoutes draws a tree: a child line's path continues its parent's ("/api/v1/alerts" → "/check").
  const stack: string[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const m = /^([│ ]*)[├└]── (\S+)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!m) continue;
    const depth = (m[1] ?? '').length / 4;
    const path = `${stack[depth - 1] ?? ''}${m[2] ?? ''}`;
    stack[depth] = path;
    stack.length = depth + 1;
    if (!path.startsWith('/api/v1/') || !m[3]) continue;
    for (const method of m[3].split(', ')) if (method !== 'HEAD') out.push([method.toLowerCase(), path]);
  }
  return out;
}

function documented(path: string): string | undefined {
  return Object.keys(doc.paths).find((p) => new RegExp(`^${p.replace(/\{[^}]+\}/g, '[^/]+').replace(/\./g, '\\.')}$`).test(path));
}

test('every /api/v1 route is in the OpenAPI document, with its method', () => {
  const routes = apiRoutes();
  assert.ok(routes.length >= 11, `found ${routes.length} routes`);
  assert.ok(routes.some(([, p]) => p === '/api/v1/alerts/check'), 'nested routes are read');
  for (const [method, path] of routes) {
    const p = documented(path);
    assert.ok(p, `${path} is not documented`);
    assert.ok(doc.paths[p]?.[method], `${method.toUpperCase()} ${path} is not documented`);
  }
  assert.equal(doc.openapi, '3.1.0');
});

test('every $ref points at a schema', () => {
  const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/schemas\/(\w+)"/g)].map((m) => m[1] ?? '');
  assert.ok(refs.length > 20);
  for (const r of refs) assert.ok(doc.components.schemas[r], `missing schema ${r}`);
});

test('each KPI endpoint documents exactly the query parameters it accepts', async () => {
  const dev = await buildApp({ store, dev: true, logLevel: 'silent' });
  for (const path of ['/api/v1/kpi', '/api/v1/timeseries', '/api/v1/breakdown', '/api/v1/leaderboard', '/api/v1/compare', '/api/v1/insights', '/api/v1/sample-size']) {
    const res = await dev.app.inject({ method: 'GET', url: `${path}?zzz=1` });
    assert.equal(res.statusCode, 400, res.body);
    const body = res.json() as { location: string; hint: string };
    assert.equal(body.location, 'zzz');
    const accepted = (/accepts (.*)$/.exec(body.hint)?.[1] ?? '').split(', ').sort();
    const params = (doc.paths[path]?.['get']?.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name).sort();
    assert.deepEqual(params, accepted, path);
  }
  await dev.app.close();
});

test('the document is served without a token', async () => {
  const res = await app.inject({ method: 'GET', url: '/api/v1/openapi.json' });
  assert.equal(res.statusCode, 200);
  assert.deepEqual(Object.keys(res.json().paths).sort(), Object.keys(doc.paths).sort());
});
