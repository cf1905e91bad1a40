import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AlertList } from '../alerts/index.js';
import type { IngestSummary } from '../ingest/index.js';
import { apiErrorSchema } from '../insights/api-schema.js';
import type { alertListSchema, ingestSummarySchema, reportSchema } from '../insights/api-schema.js';
import type { Report } from '../kpi/index.js';
import { DuckDbStore } from '../store/index.js';
import { fixtureServer } from '../../test/fixture-data.js';
import { buildApp } from './app.js';
import { API_ROUTES, openApiDocument } from './openapi.js';
import { installResponseCheck, responseCheckByDefault, responseMismatches } from './response-check.js';

type Parameter = { name: string; in: string; schema?: { items?: { enum?: string[] }; enum?: string[] }; description?: string };
type Operation = {
  parameters?: Parameter[];
  security?: unknown[];
  responses: Record<string, { content?: Record<string, { schema: { $ref?: string } }> }>;
};
type Doc = {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Record<string, unknown>> };
};

// The bodies other modules type themselves fit the contract's schemas (a compile-time check).
type Fits<T extends U, U> = [T, U];
export type ModuleTypesFit = [
  Fits<Report, z.input<typeof reportSchema>>,
  Fits<IngestSummary, z.input<typeof ingestSummarySchema>>,
  Fits<AlertList, z.input<typeof alertListSchema>>,
];

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

const template = (p: string) => new RegExp(`^${p.replace(/\./g, '\\.').replace(/\{[^}]+\}/g, '[^/]+')}$`);

function documented(path: string): string | undefined {
  return Object.keys(doc.paths).find((p) => template(p).test(path));
}

/** Every [method, path] the document describes. */
const operations = (): [string, string][] => Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m): [string, string] => [m, path]));

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

test('every operation in the document is a route of the server', () => {
  const routes = apiRoutes();
  for (const [method, path] of operations()) {
    assert.ok(
      routes.some(([m, p]) => m === method && template(path).test(p)),
      `${method.toUpperCase()} ${path} is documented but not served`,
    );
  }
});

test('every operation answers 200 with the schema API_ROUTES gives it, and errors with Error', () => {
  const keys = operations().map(([m, p]) => `${m.toUpperCase()} ${p}`);
  assert.deepEqual([...keys].sort(), Object.keys(API_ROUTES).sort(), 'API_ROUTES and the document name the same routes');
  for (const [method, path] of operations()) {
    const responses = doc.paths[path]?.[method]?.responses ?? {};
    assert.ok(responses['200']?.content?.['application/json']?.schema, `${method} ${path}: no 200 body`);
    for (const [status, response] of Object.entries(responses)) {
      if (status.startsWith('4')) assert.equal(response.content?.['application/json']?.schema.$ref, '#/components/schemas/Error', `${method} ${path} ${status}`);
    }
  }
});

test('every $ref points at a schema, and the components are plain OpenAPI 3.1 schemas', () => {
  const text = JSON.stringify(doc);
  const refs = [...text.matchAll(/"\$ref":"([^"]*)"/g)].map((m) => m[1] ?? '');
  assert.ok(refs.length > 20);
  for (const r of refs) {
    const name = /^#\/components\/schemas\/(\w+)$/.exec(r)?.[1];
    assert.ok(name, `a $ref outside the components: ${r}`);
    assert.ok(doc.components.schemas[name], `missing schema ${name}`);
  }
  for (const [name, schema] of Object.entries(doc.components.schemas)) {
    assert.equal(schema['$id'], undefined, name);
    assert.equal(schema['$schema'], undefined, name);
  }
  assert.ok(!text.includes('"readOnly"'), 'no readOnly from .readonly()');
  assert.ok(!text.includes('__shared'), 'every shared schema is a named component');
});

test('the components keep the descriptions of the contract', () => {
  const rate = doc.components.schemas['Rate'] as { description?: string; properties: Record<string, { description?: string }> };
  assert.match(rate.description ?? '', /Counts and the rate of one population/);
  assert.match(rate.properties['accepted']?.description ?? '', /within the conversion window/);
  const error = doc.components.schemas['Error'] as { required: string[]; properties: Record<string, unknown> };
  assert.deepEqual([...error.required].sort(), ['code', 'error']);
  assert.ok(error.properties['type'], 'the error kind (type) is documented');
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

test('the members the document names come from its options (the KPI binding), the shipped ones by default', () => {
  const by = (d: Doc, path: string) => d.paths[path]?.['get']?.parameters?.find((p) => p.name === 'by');
  assert.ok(by(doc, '/api/v1/breakdown')?.schema?.items?.enum?.includes('Customers.accountSize'));
  assert.ok(by(doc, '/api/v1/report')?.schema?.items?.enum?.includes('account_size'));
  assert.match(by(doc, '/api/v1/leaderboard')?.description ?? '', /default Offers\.offerName/);

  const bound = openApiDocument({ dimensions: ['UpsellOffers.segment', 'UpsellOffers.offerName'], offerName: 'UpsellOffers.offerName' }) as Doc;
  assert.deepEqual(by(bound, '/api/v1/breakdown')?.schema?.items?.enum, ['UpsellOffers.segment', 'UpsellOffers.offerName']);
  assert.deepEqual(by(bound, '/api/v1/report')?.schema?.items?.enum, ['segment', 'offer_name']);
  assert.match(by(bound, '/api/v1/leaderboard')?.description ?? '', /default UpsellOffers\.offerName/);
  const scan = bound.paths['/api/v1/insights']?.['get']?.parameters?.find((p) => p.name === 'dimensions');
  assert.match(scan?.description ?? '', /default: UpsellOffers\.segment\)/);
  assert.ok(!JSON.stringify(bound.paths).includes('Customers.'), 'no shipped member is left in the paths');
  assert.deepEqual(bound.components.schemas, doc.components.schemas, 'the response schemas do not depend on the members');
});

describe('real answers match their schemas', () => {
  let fixture: Awaited<ReturnType<typeof fixtureServer>>;
  before(async () => {
    fixture = await fixtureServer();
  });
  after(async () => fixture.close());

  const filter = encodeURIComponent(JSON.stringify([{ member: 'Customers.accountSize', operator: 'equals', values: ['enterprise'] }]));
  const samples: [string, string][] = [
    ['GET /api/v1/kpi', '/api/v1/kpi'],
    ['GET /api/v1/kpi', `/api/v1/kpi?filters=${filter}&offerType=upsell&method=jeffreys`],
    ['GET /api/v1/kpi', '/api/v1/kpi?from=2030-01-01&to=2030-01-31'],
    ['GET /api/v1/timeseries', '/api/v1/timeseries?grain=week'],
    ['GET /api/v1/timeseries', '/api/v1/timeseries?grain=month&includeProvisional=true'],
    ['GET /api/v1/breakdown', '/api/v1/breakdown?by=Customers.accountSize,Offers.channel'],
    ['GET /api/v1/leaderboard', '/api/v1/leaderboard?sort=probability'],
    ['GET /api/v1/compare', `/api/v1/compare?a=${filter}&b=[]&aFrom=2025-01-01&aTo=2025-03-31`],
    ['GET /api/v1/insights', '/api/v1/insights'],
    ['GET /api/v1/sample-size', '/api/v1/sample-size?mde=0.02&n=500'],
    ['GET /api/v1/report', '/api/v1/report?grain=month&by=account_size'],
    ['GET /api/v1/alerts', '/api/v1/alerts'],
    ['GET /api/v1/binding', '/api/v1/binding'],
    ['GET /api/v1/openapi.json', '/api/v1/openapi.json'],
  ];
  for (const [route, url] of samples) {
    test(`${url}`, async () => {
      const res = await fixture.app.inject({ method: 'GET', url });
      assert.equal(res.statusCode, 200, res.body);
      const schema = API_ROUTES[route];
      assert.ok(schema);
      assert.deepEqual(responseMismatches(schema, res.json()), []);
    });
  }

  test('error bodies match the error schema', async () => {
    for (const url of ['/api/v1/kpi?zzz=1', '/api/v1/breakdown', `/api/v1/kpi?filters=${encodeURIComponent('[{"member":"Nope.x","operator":"equals","values":["a"]}]')}`, '/api/v1/nowhere']) {
      const res = await fixture.app.inject({ method: 'GET', url });
      assert.ok(res.statusCode >= 400 && res.statusCode < 500, `${url}: ${res.statusCode} ${res.body}`);
      assert.deepEqual(responseMismatches(apiErrorSchema, res.json()), [], url);
    }
  });
});

describe('the response check', () => {
  const routes = { 'GET /api/v1/thing': z.object({ n: z.number(), tags: z.array(z.string()) }), 'POST /api/v1/things/{id}': z.object({ ok: z.boolean() }) };
  let checked: FastifyInstance;
  before(async () => {
    checked = Fastify({ logger: false });
    installResponseCheck(checked, routes);
    checked.get('/api/v1/thing', async (request) => {
      const q = request.query as Record<string, string>;
      if (q['bad'] === 'type') return { n: 'one', tags: [] };
      if (q['bad'] === 'extra') return { n: 1, tags: [], secret: true };
      if (q['bad'] === 'error') throw Object.assign(new Error('nope'), { statusCode: 400 });
      return { n: 1, tags: ['a'] };
    });
    checked.post('/api/v1/things/:id', async () => ({ ok: true }));
    checked.get('/api/v1/unlisted', async () => ({ anything: 1 }));
    checked.get('/elsewhere', async () => ({ anything: 1 }));
  });
  after(async () => checked.close());

  test('passes an answer that matches its schema, and leaves other routes alone', async () => {
    assert.equal((await checked.inject({ method: 'GET', url: '/api/v1/thing' })).statusCode, 200);
    assert.equal((await checked.inject({ method: 'POST', url: '/api/v1/things/7' })).statusCode, 200, 'path templates match');
    assert.equal((await checked.inject({ method: 'GET', url: '/elsewhere' })).statusCode, 200);
  });

  test('a mistyped field, a field the schema lacks, an unlisted route or a bad error body is a 500 naming it', async () => {
    const cases: [string, RegExp][] = [
      ['/api/v1/thing?bad=type', /^n: /],
      ['/api/v1/thing?bad=extra', /^secret: a field the schema does not have/],
      ['/api/v1/unlisted', /has no response schema/],
      ['/api/v1/thing?bad=error', /^code: /],
    ];
    for (const [url, issue] of cases) {
      const res = await checked.inject({ method: 'GET', url });
      assert.equal(res.statusCode, 500, url);
      const body = res.json() as { code: string; details: { issues: string[] } };
      assert.equal(body.code, 'RESPONSE_MISMATCH');
      assert.ok(body.details.issues.some((i) => issue.test(i)), `${url}: ${res.body}`);
    }
  });

  test('is on under the test runner and follows UPRATE_CHECK_RESPONSES', () => {
    assert.equal(responseCheckByDefault(), true, 'node --test sets NODE_TEST_CONTEXT');
    assert.equal(responseCheckByDefault({ NODE_TEST_CONTEXT: 'child-v8', UPRATE_CHECK_RESPONSES: '0' }), false);
    assert.equal(responseCheckByDefault({ UPRATE_CHECK_RESPONSES: '1' }), true);
    assert.equal(responseCheckByDefault({}), false);
  });
});
