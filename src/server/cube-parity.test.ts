import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { SignJWT } from 'jose';
import { UprateError } from '../core/errors.js';
import { DuckDbStore } from '../store/index.js';
import { loadFixture } from '../../test/fixture-data.js';
import { buildApp } from './app.js';
import { errorBody } from './error-handler.js';

// Cube parity of the server: Cube's error bodies, renewQuery as Cube's refresh-key check, the
// transformed queries of /dry-run. Expected values come from plain SQL or from the model files.

const SECRET = 'cube-parity-test-secret-of-32-bytes-at-least';
const CLOCK = new Date('2025-07-15T00:00:00Z');
let store: DuckDbStore;

/** The store, counting the statements that are not the data-version check. */
function counting(target: DuckDbStore): { store: DuckDbStore; reads: () => number } {
  let reads = 0;
  const proxy = new Proxy(target, {
    get(t, p) {
      const v: unknown = Reflect.get(t, p, t);
      if (p === 'query') {
        return (sql: string, ...rest: unknown[]) => {
          if (!/uprate_loads/.test(sql)) reads++;
          return (v as (...a: unknown[]) => unknown).call(t, sql, ...rest);
        };
      }
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(t) : v;
    },
  });
  return { store: proxy, reads: () => reads };
}

async function get(app: FastifyInstance, path: string, query: unknown, headers: Record<string, string> = {}) {
  return app.inject({ method: 'GET', url: `/cubejs-api/v1/${path}?query=${encodeURIComponent(JSON.stringify(query))}`, headers });
}

async function offers(): Promise<number> {
  const [row] = await store.query<{ n: bigint }>('SELECT count(*) AS n FROM offers');
  return Number(row?.n);
}

before(async () => {
  store = await DuckDbStore.open(':memory:');
  await loadFixture(store);
});
after(() => store.close());

describe("Cube's error bodies", () => {
  test("an unknown member: HTTP 400, Cube's text first, type UserError beside uprate's code, place and fix", async () => {
    const { app } = await buildApp({ store, dev: true, logLevel: 'silent', clock: () => CLOCK });
    const member = await get(app, 'load', { measures: ['Offers.nope'] });
    assert.equal(member.statusCode, 400);
    const body = member.json();
    assert.equal(body.type, 'UserError');
    assert.ok(body.error.startsWith("'nope' not found for path 'Offers.nope'"), body.error);
    assert.match(body.error, /fix: /);
    assert.equal(body.code, 'QUERY_INVALID');
    assert.equal(body.location, 'measures[0]');
    assert.ok(body.hint);
    const cube = (await get(app, 'load', { measures: ['Nope.count'] })).json();
    assert.ok(cube.error.startsWith("Cube 'Nope' not found for path 'Nope.count'"), cube.error);
    assert.equal(cube.type, 'UserError');
    const dry = await get(app, 'dry-run', { measures: ['Offers.count'], dimensions: ['Offers.nope'] });
    assert.equal(dry.statusCode, 400);
    assert.ok(dry.json().error.startsWith("'nope' not found for path 'Offers.nope'"));
    await app.close();
  });

  test('every 4xx carries type UserError; a 5xx carries none, as Cube sends none', async () => {
    const { app } = await buildApp({ store, secret: SECRET, logLevel: 'silent', clock: () => CLOCK });
    const noToken = await get(app, 'load', { measures: ['Offers.count'] });
    assert.equal(noToken.statusCode, 403);
    assert.deepEqual([noToken.json().error, noToken.json().type, noToken.json().code], ["Authorization header isn't set", 'UserError', 'AUTH_MISSING']);
    await app.close();
    assert.equal(errorBody(new UprateError('QUERY_TOO_LARGE', 'too many members'))['type'], 'UserError');
    assert.equal(errorBody(new UprateError('NOT_FOUND', 'no such alert'))['type'], 'UserError');
    for (const code of ['DB_ERROR', 'ENGINE_UNAVAILABLE', 'MODEL_INVALID'] as const) {
      const body = errorBody(new UprateError(code, 'the database failed', { location: 'clickhouse', hint: 'start it' }));
      assert.equal('type' in body, false, code);
      assert.deepEqual([body['error'], body['code'], body['location'], body['hint']], ['the database failed (at clickhouse)\n  fix: start it', code, 'clickhouse', 'start it']);
    }
  });
});

describe('renewQuery: the refresh key checked now', () => {
  test('runs the query again only when the data version moved', async () => {
    const { store: watched, reads } = counting(store);
    const { app } = await buildApp({ store: watched, dev: true, logLevel: 'silent', clock: () => CLOCK });
    const query = { measures: ['Offers.count'] };
    const first = (await get(app, 'load', query)).json();
    const ran = reads();
    assert.equal(Number(first.data[0]['Offers.count']), await offers());

    // Unchanged data: the cached answer, not a second run (Cube: the refresh key did not change).
    const renewed = await get(app, 'load', { ...query, renewQuery: true });
    assert.equal(renewed.statusCode, 200);
    assert.equal(reads(), ran, 'no statement ran');
    assert.equal(renewed.json().lastRefreshTime, first.lastRefreshTime);
    assert.equal(renewed.json().query.renewQuery, true, 'the echo keeps the flag');
    assert.equal((await get(app, 'load', { ...query, renewQuery: true })).json().lastRefreshTime, first.lastRefreshTime);
    assert.equal(reads(), ran);

    // A load the server was not told about (another process on a shared database): the data version moves.
    await store.run(`INSERT INTO offers (offer_id, customer_id, offered_at, offer_type, offer_name) VALUES ('renew-1', 'c1', TIMESTAMP '2025-07-01', 'upsell', 'Pro')`);
    await store.run(`INSERT INTO uprate_loads (table_name, source, rows_read, rows_inserted, rows_updated, rows_rejected, loaded_at)
      VALUES ('offers', 'another process', 1, 1, 0, 0, TIMESTAMP '2025-07-14')`);
    const after = await get(app, 'load', { ...query, renewQuery: true });
    assert.equal(reads(), ran + 1, 'the query ran again');
    assert.equal(Number(after.json().data[0]['Offers.count']), await offers());
    assert.equal(Number(after.json().data[0]['Offers.count']), Number(first.data[0]['Offers.count']) + 1);
    assert.notEqual(after.json().lastRefreshTime, first.lastRefreshTime);

    // The renewed answer is the cached one now, for renewals and plain requests alike.
    const again = await get(app, 'load', { ...query, renewQuery: true });
    const plain = await get(app, 'load', query);
    assert.equal(reads(), ran + 1);
    assert.equal(again.json().lastRefreshTime, after.json().lastRefreshTime);
    assert.equal(plain.json().lastRefreshTime, after.json().lastRefreshTime);
    assert.equal('renewQuery' in plain.json().query, false);
    await app.close();
    await store.run("DELETE FROM offers WHERE offer_id = 'renew-1'");
  });
});

describe('/dry-run', () => {
  test("queryType, and one transformed query per normalised query with Cube's fields", async () => {
    const { app } = await buildApp({ store, dev: true, logLevel: 'silent', clock: () => CLOCK });
    const res = await get(app, 'dry-run', { measures: ['Offers.conversionRate'], dimensions: ['Offers.channel'] });
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json();
    assert.equal(body.queryType, 'regularQuery');
    assert.equal(body.transformedQueries.length, 1);
    const [t] = body.transformedQueries;
    assert.deepEqual(Object.keys(t), [
      'sortedDimensions',
      'sortedTimeDimensions',
      'timeDimensions',
      'measures',
      'leafMeasureAdditive',
      'leafMeasures',
      'measureToLeafMeasures',
      'hasNoTimeDimensionsWithoutGranularity',
      'allFiltersWithinSelectedDimensions',
      'isAdditive',
      'granularityHierarchies',
      'hasMultipliedMeasures',
      'hasCumulativeMeasures',
      'windowGranularity',
      'filterDimensionsSingleValueEqual',
      'ownedDimensions',
      'ownedTimeDimensionsWithRollupGranularity',
      'ownedTimeDimensionsAsIs',
    ]);
    // model/offers.js: conversionRate = accepted * 1.0 / count, both counts.
    assert.deepEqual(t.leafMeasures, ['Offers.accepted', 'Offers.count']);
    assert.equal(t.isAdditive, false);
    assert.equal(t.leafMeasureAdditive, true);
    assert.deepEqual(t.sortedDimensions, ['Offers.channel']);
    assert.deepEqual(t.filterDimensionsSingleValueEqual, { 'Offers.channel': 1 });
    await app.close();
  });
});

describe('tokens', () => {
  test('a renewQuery under a tenant rule shares nothing with another tenant', async () => {
    const token = (claims: Record<string, unknown>) => new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(SECRET));
    const { app } = await buildApp({ store, secret: SECRET, logLevel: 'silent', clock: () => CLOCK, securityRules: [{ member: 'Customers.region', claim: 'region', required: true }] });
    const query = { measures: ['Offers.count'], renewQuery: true };
    const emea = (await get(app, 'load', query, { authorization: await token({ region: 'emea' }) })).json();
    const amer = (await get(app, 'load', query, { authorization: await token({ region: 'amer' }) })).json();
    const [e] = await store.query<{ n: bigint }>("SELECT count(*) AS n FROM offers o JOIN customers c USING (customer_id) WHERE c.region = 'emea'");
    const [a] = await store.query<{ n: bigint }>("SELECT count(*) AS n FROM offers o JOIN customers c USING (customer_id) WHERE c.region = 'amer'");
    assert.deepEqual([Number(emea.data[0]['Offers.count']), Number(amer.data[0]['Offers.count'])], [Number(e?.n), Number(a?.n)]);
    await app.close();
  });
});
