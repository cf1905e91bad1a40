/**
 * One request cannot exhaust the server: the issue's own attacks (1,000 repeated dimensions, an
 * `in` list of 90,000 values, insights over customer ids, a day series from 1990, 1,000-deep
 * nesting) are merged or refused with a 400 naming the limit; heavy reads beyond the gate's queue
 * get 503 with Retry-After; /health answers meanwhile.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { DEFAULT_LIMITS } from '../../src/core/limits.js';
import { buildApp } from '../../src/server/index.js';
import type { DuckDbStore } from '../../src/store/index.js';
import { fixtureClock, fixtureServer } from '../fixture-data.js';

let store: DuckDbStore;
let app: FastifyInstance;
let close: () => Promise<void>;
before(async () => {
  ({ store, app, close } = await fixtureServer());
});
after(async () => close());

const load = (query: unknown) => app.inject({ method: 'POST', url: '/cubejs-api/v1/load', headers: { host: '127.0.0.1' }, payload: { query } });
const get = (url: string) => app.inject({ method: 'GET', url, headers: { host: '127.0.0.1' } });

function tooLarge(answer: { statusCode: number; json: () => { code: string; error: string } }, key: string): void {
  assert.equal(answer.statusCode, 400);
  assert.equal(answer.json().code, 'QUERY_TOO_LARGE');
  assert.match(answer.json().error, new RegExp(`limits\\.${key}`));
}

test('1,000 repeated dimensions are one column; 1,000 different members are refused naming limits.maxMembers', async () => {
  const repeated = await load({ measures: ['Offers.count'], dimensions: Array.from({ length: 1000 }, () => 'Offers.channel') });
  assert.equal(repeated.statusCode, 200);
  const data = repeated.json().data as Record<string, unknown>[];
  assert.equal(data.length, 4); // four channels in the fixture (plain SQL: 4 distinct values)
  assert.deepEqual(Object.keys(data[0] ?? {}).sort(), ['Offers.channel', 'Offers.count']);
  const many = Array.from({ length: DEFAULT_LIMITS.maxMembers + 1 }, (_, i) => ({ dimension: 'Offers.offeredAt', granularity: 'day', dateRange: [`2024-${String((i % 12) + 1).padStart(2, '0')}-${String(Math.floor(i / 12) + 1).padStart(2, '0')}`, '2025-02-01'] }));
  tooLarge(await load({ measures: ['Offers.count'], timeDimensions: many }), 'maxMembers');
});

test('an in list of 90,000 values is refused naming limits.maxFilterValues', async () => {
  const values = Array.from({ length: 90_000 }, (_, i) => `o${i}`);
  tooLarge(await load({ measures: ['Offers.count'], filters: [{ member: 'Offers.offerId', operator: 'equals', values }] }), 'maxFilterValues');
});

test('filters nested 1,000 deep are a 400 naming limits.maxFilterDepth, not a 500', async () => {
  let filter: unknown = { member: 'Offers.channel', operator: 'equals', values: ['email'] };
  for (let i = 0; i < 1000; i++) filter = { and: [filter] };
  tooLarge(await load({ measures: ['Offers.count'], filters: [filter] }), 'maxFilterDepth');
  let shallow: unknown = { member: 'Offers.channel', operator: 'equals', values: ['email'] };
  for (let i = 0; i < 5; i++) shallow = { or: [shallow] };
  assert.equal((await load({ measures: ['Offers.count'], filters: [shallow] })).statusCode, 200);
});

test('an answer larger than limits.maxCells is refused before it runs', async () => {
  const dims = ['Offers.offerId', 'Offers.customerId', 'Offers.channel', 'Offers.campaign', 'Offers.offerName', 'Offers.offerType', 'Offers.status', 'Customers.region', 'Customers.plan', 'Customers.industry', 'Customers.accountSize', 'Customers.lifecycleStage', 'Customers.engagementTier', 'Customers.mrr', 'Customers.engagementScore', 'Offers.acceptedAt', 'Offers.offeredAt', 'Customers.customerId', 'Offers.acceptedAt'];
  const measures = ['Offers.count', 'Offers.accepted', 'Offers.pending', 'Offers.conversionRate', 'Offers.upsellConversionRate', 'Offers.crossSellConversionRate', 'Offers.customersOffered', 'Offers.customersConverted', 'Offers.customerConversionRate', 'Offers.expansionRevenue', 'Offers.revenuePerOffer', 'Offers.avgDaysToAccept', 'Customers.count'];
  // 50,000 rows × 31 columns = 1.55 M cells fits the default 2 M; compareDateRange doubles it.
  const wide = { measures, dimensions: dims, limit: 50_000 };
  assert.equal((await load(wide)).statusCode, 200);
  tooLarge(await load({ ...wide, timeDimensions: [{ dimension: 'Offers.offeredAt', compareDateRange: [['2025-01-01', '2025-03-31'], ['2025-04-01', '2025-06-30']] }] }), 'maxCells');
});

test('endpoints that enumerate a dimension refuse ids, and any dimension with more than limits.maxGroups values', async () => {
  for (const url of ['/api/v1/insights?dimensions=Customers.customerId', '/api/v1/breakdown?by=Offers.customerId', '/api/v1/leaderboard?by=Offers.offerId', `/api/v1/insights?dimensions=${Array.from({ length: 50 }, () => 'Customers.customerId').join(',')}`]) {
    const answer = await get(url);
    assert.equal(answer.statusCode, 400, url);
    assert.equal(answer.json().code, 'QUERY_TOO_LARGE', url);
  }
  // A non-key dimension with many values: bounded by maxGroups when the answer comes.
  const small = await buildApp({ store, dev: true, logLevel: 'silent', limits: { ...DEFAULT_LIMITS, maxGroups: 20 }, clock: fixtureClock });
  try {
    const answer = await small.app.inject({ method: 'GET', url: '/api/v1/breakdown?by=Customers.mrr', headers: { host: '127.0.0.1' } });
    assert.equal(answer.statusCode, 400, answer.body);
    assert.match(answer.json().error, /limits\.maxGroups/);
    assert.equal((await small.app.inject({ method: 'GET', url: '/api/v1/breakdown?by=Customers.region', headers: { host: '127.0.0.1' } })).statusCode, 200);
  } finally {
    await small.app.close();
  }
});

test('a day series from 1990 is refused naming limits.maxPeriods instead of silently cut short', async () => {
  const answer = await get('/api/v1/timeseries?grain=day&from=1990-01-01&to=2025-07-01');
  tooLarge(answer, 'maxPeriods');
  assert.equal((await get('/api/v1/timeseries?grain=day&from=2025-01-01&to=2025-07-01')).statusCode, 200);
});

test('beyond the running and queued reads, a heavy request gets 503 with Retry-After; /health still answers', async () => {
  const tight = await buildApp({ store, dev: true, logLevel: 'silent', limits: { ...DEFAULT_LIMITS, maxConcurrentQueries: 1, maxQueuedQueries: 1 }, clock: fixtureClock });
  try {
    const slow = { measures: ['Offers.count', 'Offers.customersOffered'], dimensions: ['Offers.customerId', 'Offers.offerName', 'Offers.channel'], renewQuery: true };
    const fire = (i: number) => tight.app.inject({ method: 'POST', url: '/cubejs-api/v1/load', headers: { host: '127.0.0.1' }, payload: { query: { ...slow, limit: 1000 + i } } });
    const answers = await Promise.all([fire(1), fire(2), fire(3), fire(4), tight.app.inject({ method: 'GET', url: '/health', headers: { host: '127.0.0.1' } })]);
    const statuses = answers.slice(0, 4).map((a) => a.statusCode);
    assert.ok(statuses.filter((s) => s === 200).length >= 2, statuses.join(','));
    const busy = answers.slice(0, 4).filter((a) => a.statusCode === 503);
    assert.ok(busy.length >= 1, statuses.join(','));
    assert.equal(busy[0]?.headers['retry-after'], '1');
    assert.equal(busy[0]?.json().code, 'BUSY');
    assert.equal(answers[4]?.statusCode, 200);
  } finally {
    await tight.app.close();
  }
});

test('clients that hang up while queued or reading give their slot back: the next read is answered', async () => {
  const tight = await buildApp({ store, dev: true, logLevel: 'silent', limits: { ...DEFAULT_LIMITS, maxConcurrentQueries: 1, maxQueuedQueries: 100 }, clock: fixtureClock });
  await tight.app.listen({ host: '127.0.0.1', port: 0 });
  const address = tight.app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  try {
    const { connect } = await import('node:net');
    const hangUps = Array.from({ length: 30 }, (_, i) => new Promise<void>((resolve) => {
      const socket = connect({ host: '127.0.0.1', port }, () => {
        socket.write(`GET /api/v1/insights?asOf=2025-07-${String((i % 28) + 1).padStart(2, '0')} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`);
        setTimeout(() => {
          socket.destroy();
          resolve();
        }, i % 3 === 0 ? 0 : 20);
      });
      socket.on('error', () => resolve());
    }));
    await Promise.all(hangUps);
    const started = Date.now();
    let status = 0;
    for (let i = 0; i < 100 && status !== 200; i++) {
      const answer = await Promise.race([
        fetch(`http://127.0.0.1:${port}/api/v1/kpi`).then((r) => r.status),
        new Promise<number>((resolve) => setTimeout(() => resolve(0), 2_000)),
      ]);
      status = answer;
      if (Date.now() - started > 60_000) break;
    }
    assert.equal(status, 200, 'a read after 30 hang-ups is answered (no slot leaked)');
  } finally {
    await tight.app.close();
  }
});

test('a read past limits.queryTimeoutMs is cancelled: 400 QUERY_TIMEOUT naming the limit, and the server answers the next read', async () => {
  const { mkdtempSync, rmSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { loadModel } = await import('../../src/model/index.js');
  const dir = mkdtempSync(join(tmpdir(), 'uprate-slow-model-'));
  // A cube whose rows take minutes to count: only the timeout can end its query.
  writeFileSync(join(dir, 'slow.yml'), `cubes:
  - name: Slow
    sql: "SELECT a.range * 1000000 + b.range AS x FROM range(1000000) a, range(1000000) b"
    measures:
      - name: count
        type: count
    dimensions:
      - name: x
        sql: x
        type: number
        primary_key: true
`);
  const model = await loadModel(dir);
  const slow = await buildApp({ store, dev: true, logLevel: 'silent', model, limits: { ...DEFAULT_LIMITS, queryTimeoutMs: 300 } });
  try {
    const started = Date.now();
    const answer = await slow.app.inject({ method: 'POST', url: '/cubejs-api/v1/load', headers: { host: '127.0.0.1' }, payload: { query: { measures: ['Slow.count'] } } });
    assert.equal(answer.statusCode, 400, answer.body);
    assert.equal(answer.json().code, 'QUERY_TIMEOUT');
    assert.match(answer.json().error, /limits\.queryTimeoutMs/);
    assert.ok(Date.now() - started < 20_000, `took ${Date.now() - started} ms`);
    const next = await slow.app.inject({ method: 'GET', url: '/health', headers: { host: '127.0.0.1' } });
    assert.equal(next.statusCode, 200);
  } finally {
    await slow.app.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
