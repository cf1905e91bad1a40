/**
 * The /api/v1 reads through the answer cache, on a DuckDB demo store whose `query` is wrapped to
 * count engine statements: a repeated read runs none and sends the same bytes a fresh server
 * sends; parameter order, spelling and defaults share one entry; an ingest (or any data change)
 * forgets; two tenants never share; a bad request is refused before any lookup and nothing is
 * kept; identical concurrent reads compute once; a client gone is not kept; clock-less answers
 * age out; a cached answer needs no query slot. Expected counts come from plain SQL on the store.
 */
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { SignJWT } from 'jose';
import { alertSetup } from '../alerts/index.js';
import { configSchema } from '../config/index.js';
import { DEFAULT_LIMITS } from '../core/limits.js';
import { generateDemo } from '../demo/index.js';
import { loadModel, shippedModelDir } from '../model/index.js';
import { DuckDbStore } from '../store/index.js';
import { buildApp, type AppOptions } from './app.js';

const SECRET = 'answer-cache-http-test-secret-of-32-bytes';
const END = new Date('2025-06-30T12:00:00Z');
const NOW = new Date('2025-07-15T00:00:00Z');
const RANGE = 'from=2025-01-01&to=2025-03-31';
const europe = encodeURIComponent(JSON.stringify([{ member: 'Customers.region', operator: 'equals', values: ['europe'] }]));

/** Every cached read, as the dashboard and the CLI ask them. */
const READS = [
  `/api/v1/kpi?${RANGE}`,
  `/api/v1/timeseries?${RANGE}`,
  `/api/v1/breakdown?${RANGE}&by=Customers.accountSize`,
  `/api/v1/leaderboard?${RANGE}`,
  `/api/v1/insights?${RANGE}`,
  `/api/v1/compare?${RANGE}&a=${europe}&b=[]`,
  `/api/v1/sample-size?${RANGE}&mde=0.02`,
  '/api/v1/report',
  '/api/v1/report/monthly?month=2025-05',
  '/api/v1/alerts',
];

let store: DuckDbStore;
let engine: ReturnType<typeof countStatements>;

/** Wraps the store's `query`: counts statements, and can hold them until the test lets them run. */
function countStatements(s: DuckDbStore) {
  const original: DuckDbStore['query'] = s.query.bind(s);
  let count = 0;
  let held: Promise<void> | undefined;
  let letGo: () => void = () => undefined;
  s.query = (async (...args: Parameters<DuckDbStore['query']>) => {
    count += 1;
    if (held) await held;
    return original(...args);
  }) as DuckDbStore['query'];
  return {
    /** Plain SQL past the counter: the tests' own, independent numbers. */
    sql: original,
    count: () => count,
    reset: () => {
      count = 0;
    },
    hold: () => {
      held = new Promise((resolve) => (letGo = resolve));
    },
    release: () => {
      held = undefined;
      letGo();
    },
  };
}

/**
 * buildApp with its data-version watch never polling (it is set up with a 2-second interval): a
 * poll is a statement no request made, and would land in a count at random.
 */
async function build(options: Partial<AppOptions> = {}) {
  const real = globalThis.setInterval;
  const passOn = real as (...args: unknown[]) => unknown;
  globalThis.setInterval = ((handler: unknown, ms?: number, ...rest: unknown[]) =>
    ms === 2_000 ? { unref: () => undefined, ref: () => undefined } : passOn(handler, ms, ...rest)) as typeof setInterval;
  try {
    const built = await buildApp({ store, secret: SECRET, logLevel: 'silent', clock: () => NOW, dev: true, ...options });
    await built.app.ready();
    // The watch's first poll runs at once: let it finish before anything is counted.
    await quiet();
    return built;
  } finally {
    globalThis.setInterval = real;
  }
}

/** Waits until no statement has started for a little while (background work of the app's start). */
async function quiet(): Promise<void> {
  for (let last = -1; last !== engine.count(); ) {
    last = engine.count();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * The monthly report says when it was generated (the wall clock): a fresh one differs there and
 * only there. A cached one keeps the time it was computed, as x-uprate-computed-at does.
 */
const stamped = (body: string) => body.replace(/"generatedAt":"[^"]*"/, '"generatedAt":"(when computed)"');

/** One request, and the statements it ran. */
async function counted(app: FastifyInstance, url: string, headers: Record<string, string> = {}): Promise<{ res: LightMyRequestResponse; statements: number }> {
  engine.reset();
  const res = await app.inject({ method: 'GET', url, headers });
  return { res, statements: engine.count() };
}

const token = (claims: Record<string, unknown>) => new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(SECRET));

/** Offers made on the days from..to (inclusive, UTC), optionally of one region's customers: plain SQL. */
async function offersBetween(from: string, to: string, region?: string): Promise<number> {
  const [row] = await engine.sql<{ n: bigint }>(
    `SELECT count(*) AS n FROM offers o ${region ? 'JOIN customers c ON c.customer_id = o.customer_id' : ''}
     WHERE o.offered_at >= CAST($1 AS DATE) AND o.offered_at < CAST($2 AS DATE) + INTERVAL 1 DAY ${region ? 'AND c.region = $3' : ''}`,
    region ? [from, to, region] : [from, to],
  );
  return Number(row?.n);
}

before(async () => {
  store = await DuckDbStore.open(':memory:');
  await generateDemo(store, { rows: 20_000, seed: 11, end: END });
  engine = countStatements(store);
});
after(async () => store.close());

describe('every cached read', () => {
  let app: FastifyInstance;
  let close: () => Promise<void>;
  before(async () => {
    ({ app } = await build());
    close = () => app.close();
  });
  after(async () => close());

  test('a second identical request runs no engine statement and sends the same bytes a fresh server computes', async () => {
    const first: Record<string, LightMyRequestResponse> = {};
    for (const url of READS) {
      const miss = await counted(app, url);
      assert.equal(miss.res.statusCode, 200, `${url}: ${miss.res.body.slice(0, 300)}`);
      // Computed (a miss), though the count reads earlier requests made are reused: not one per request.
      assert.equal(miss.res.headers['x-uprate-cache'], 'miss', url);
      const hit = await counted(app, url);
      assert.equal(hit.statements, 0, `${url}: the second request ran ${hit.statements} statements`);
      assert.equal(hit.res.statusCode, 200, url);
      assert.equal(hit.res.headers['x-uprate-cache'], 'hit', url);
      assert.equal(hit.res.headers['x-uprate-computed-at'], miss.res.headers['x-uprate-computed-at'], url);
      assert.equal(hit.res.headers['x-uprate-as-of'], NOW.toISOString(), url);
      assert.equal(hit.res.headers['content-type'], miss.res.headers['content-type'], url);
      assert.equal(hit.res.body, miss.res.body, url);
      first[url] = hit.res;
    }
    // A server that never saw these requests computes them afresh: the cached bytes are its bytes.
    const fresh = await build();
    try {
      for (const url of READS) {
        const res = await fresh.app.inject({ method: 'GET', url });
        assert.equal(res.headers['x-uprate-cache'], 'miss', url);
        assert.equal(stamped(first[url]?.body ?? ''), stamped(res.body), `${url}: the cached answer differs from a fresh one`);
        assert.equal(first[url]?.headers['content-type'], res.headers['content-type'], url);
      }
    } finally {
      await fresh.app.close();
    }
  });

  test('parameter order, spelling and defaults share one entry; another value is another entry', async () => {
    const filters = (f: unknown) => encodeURIComponent(JSON.stringify(f));
    const groups = [
      [
        '/api/v1/timeseries?from=2025-01-01&to=2025-02-28&asOf=2025-07-01',
        '/api/v1/timeseries?asOf=2025-07-01T00:00:00Z&to=2025-02-28&from=2025-01-01',
        '/api/v1/timeseries?to=2025-02-28&grain=month&chart=auto&includeProvisional=false&level=0.95&method=wilson&from=2025-01-01&asOf=2025-07-01T00:00:00.000Z',
      ],
      [
        `/api/v1/kpi?${RANGE}&filters=${filters([{ member: 'Customers.region', operator: 'equals', values: ['apac'] }])}`,
        `/api/v1/kpi?filters=${filters([{ values: ['apac'], operator: 'equals', member: 'Customers.region' }])}&to=2025-03-31&from=2025-01-01`,
      ],
      [`/api/v1/breakdown?${RANGE}&by=Customers.region`, `/api/v1/breakdown?by=Customers.region,Customers.region&correction=holm&${RANGE}`],
      ['/api/v1/report?grain=month&by=region', '/api/v1/report?by=region&grain=month', '/api/v1/report?by=%20region&grain=month'],
      ['/api/v1/report?offerType=upsell', '/api/v1/report?grain=month&offerType=upsell'],
    ];
    for (const [first, ...same] of groups) {
      assert.ok(first);
      const miss = await counted(app, first);
      assert.equal(miss.res.headers['x-uprate-cache'], 'miss', first);
      for (const url of same) {
        const hit = await counted(app, url);
        assert.deepEqual([hit.res.statusCode, hit.statements, hit.res.headers['x-uprate-cache']], [200, 0, 'hit'], url);
        assert.equal(hit.res.body, miss.res.body, url);
      }
    }
    for (const url of [
      '/api/v1/timeseries?from=2025-01-01&to=2025-02-28&asOf=2025-07-01&grain=week',
      '/api/v1/timeseries?from=2025-01-01&to=2025-02-28&asOf=2025-07-02',
      `/api/v1/breakdown?${RANGE}&by=Customers.region&correction=bh`,
      // Without grain, by asks for one row per segment: not the monthly rows of grain=month&by=region.
      '/api/v1/report?by=region',
    ]) {
      const other = await counted(app, url);
      assert.equal(other.res.headers['x-uprate-cache'], 'miss', url);
      // Another correction is another answer from the same counts: its reads are the shared ones.
      if (!url.includes('correction=')) assert.ok(other.statements > 0, url);
    }
  });

  test('an invalid request is a 4xx with a JSON error, runs nothing and leaves nothing cached', async () => {
    const invalid: [string, string][] = [
      [`/api/v1/kpi?${RANGE}&level=2`, 'level'],
      [`/api/v1/kpi?${RANGE}&zzz=1`, 'zzz'],
      [`/api/v1/breakdown?${RANGE}`, 'by'],
      [`/api/v1/breakdown?${RANGE}&by=Nope.nothing`, 'by'],
      [`/api/v1/timeseries?${RANGE}&grain=fortnight`, 'grain'],
      [`/api/v1/sample-size?${RANGE}&mde=3`, 'mde'],
      [`/api/v1/compare?${RANGE}&a=[`, 'a'],
      ['/api/v1/report?grain=fortnight', 'grain'],
      ['/api/v1/report/monthly?month=2025-13', 'month'],
    ];
    for (let round = 0; round < 2; round++) {
      for (const [url, location] of invalid) {
        const { res, statements } = await counted(app, url);
        assert.equal(res.statusCode, 400, `${url}: ${res.body.slice(0, 200)}`);
        assert.match(String(res.headers['content-type']), /application\/json/);
        assert.equal(res.json().code, 'BAD_ARGUMENT', url);
        assert.equal(res.json().location, location, url);
        assert.equal(res.headers['x-uprate-cache'], undefined, url);
        assert.equal(statements, 0, `${url} ran ${statements} statements`);
      }
    }
    // Refused by the computation (no offers to take a baseline from): computed again each time.
    const url = '/api/v1/sample-size?from=2030-01-01&to=2030-01-31&mde=0.02';
    for (let round = 0; round < 2; round++) {
      const { res } = await counted(app, url);
      assert.equal(res.statusCode, 400, res.body);
      assert.equal(res.json().location, 'baseline');
      assert.equal(res.headers['x-uprate-cache'], undefined, 'the error was not kept');
    }
  });

  test('identical concurrent requests run one computation', async () => {
    const url = '/api/v1/insights?from=2025-02-01&to=2025-04-30';
    const other = await build();
    const once = await counted(other.app, url);
    await other.app.close();
    assert.equal(once.res.statusCode, 200);
    engine.reset();
    engine.hold();
    const asked = Array.from({ length: 5 }, () => app.inject({ method: 'GET', url }));
    await new Promise((resolve) => setTimeout(resolve, 300));
    engine.release();
    const answers = await Promise.all(asked);
    // At most: reads earlier tests made as of the same clock are shared too.
    assert.ok(engine.count() <= once.statements, `five requests ran ${engine.count()} statements, one alone ${once.statements}`);
    assert.ok(answers.every((a) => a.statusCode === 200 && a.body === once.res.body));
    const sources = answers.map((a) => String(a.headers['x-uprate-cache'])).sort();
    assert.equal(sources.filter((s) => s === 'miss').length, 1, sources.join());
    assert.ok(sources.every((s) => s === 'miss' || s === 'joined' || s === 'hit'), sources.join());
  });
});

test("a dashboard's requests sent together ask each distinct read once: fewer statements than each alone, the same bytes", async () => {
  const range = 'from=2025-02-01&to=2025-05-31';
  const views = [
    `/api/v1/kpi?${range}`,
    `/api/v1/timeseries?${range}&grain=month`,
    `/api/v1/breakdown?${range}&by=Offers.channel`,
    `/api/v1/breakdown?${range}&by=Customers.accountSize`,
    `/api/v1/breakdown?${range}&by=Customers.industry`,
    `/api/v1/leaderboard?${range}`,
    `/api/v1/insights?${range}`,
  ];
  const alone: Record<string, { body: string; statements: number }> = {};
  for (const url of views) {
    const fresh = await build();
    try {
      const { res, statements } = await counted(fresh.app, url);
      assert.equal(res.statusCode, 200, `${url}: ${res.body.slice(0, 300)}`);
      alone[url] = { body: res.body, statements };
    } finally {
      await fresh.app.close();
    }
  }
  const { app } = await build();
  try {
    engine.reset();
    const answers = await Promise.all(views.map((url) => app.inject({ method: 'GET', url })));
    const together = engine.count();
    const separately = Object.values(alone).reduce((sum, a) => sum + a.statements, 0);
    views.forEach((url, i) => assert.equal(answers[i]?.body, alone[url]?.body, `${url}: the answer differs from one computed alone`));
    // The headline's read is every breakdown's total and insights' headline; insights reads the breakdowns' groups again.
    assert.ok(together <= separately - views.length, `together ${together} statements, separately ${separately}`);
  } finally {
    await app.close();
  }
});

test('an ingest, or any change of the data version, forgets every answer', async () => {
  const { app, context } = await build();
  try {
    const url = '/api/v1/kpi?from=2025-02-01&to=2025-02-28&asOf=2025-07-01';
    const before = await counted(app, url);
    assert.equal(before.res.json().offers, await offersBetween('2025-02-01', '2025-02-28'));
    assert.equal((await counted(app, url)).statements, 0);

    const [customer] = await engine.sql<{ id: string }>('SELECT customer_id AS id FROM customers ORDER BY customer_id LIMIT 1');
    const csv = ['offer_id,customer_id,offered_at,offer_type,offer_name,accepted_at', ...[1, 2, 3].map((i) => `cache-test-${i},${customer?.id},2025-02-1${i}T10:00:00Z,upsell,Premium,`)].join('\n');
    const ingest = await app.inject({ method: 'POST', url: '/api/v1/ingest/offers', headers: { 'content-type': 'text/csv' }, payload: `${csv}\n` });
    assert.equal(ingest.statusCode, 200, ingest.body);
    assert.equal(ingest.json().inserted, 3);

    const afterIngest = await counted(app, url);
    assert.equal(afterIngest.res.headers['x-uprate-cache'], 'miss');
    assert.ok(afterIngest.statements > 0);
    assert.equal(afterIngest.res.json().offers, await offersBetween('2025-02-01', '2025-02-28'));
    assert.equal(afterIngest.res.json().offers, before.res.json().offers + 3);

    // What the data-version watch calls when another process loaded a shared database.
    assert.equal((await counted(app, url)).res.headers['x-uprate-cache'], 'hit');
    context.dataChanged();
    assert.equal((await counted(app, url)).res.headers['x-uprate-cache'], 'miss');
  } finally {
    await app.close();
  }
});

test('two tenants never share an answer', async () => {
  const security = configSchema.parse({ security: { filters: [{ member: 'Customers.region', claim: 'region' }] } }).security;
  const { app } = await build({ dev: false, securityRules: security.filters });
  try {
    const tenants = { europe: `Bearer ${await token({ region: 'europe' })}`, apac: `Bearer ${await token({ region: 'apac' })}` };
    const url = `/api/v1/kpi?${RANGE}`;
    const answers: Record<string, string> = {};
    for (const [region, authorization] of Object.entries(tenants)) {
      for (const path of [url, `/api/v1/insights?${RANGE}`, '/api/v1/report?grain=none', '/api/v1/alerts']) {
        const first = await counted(app, path, { authorization });
        assert.equal(first.res.statusCode, 200, first.res.body);
        assert.equal(first.res.headers['x-uprate-cache'], 'miss', `${region} ${path}: another tenant's answer was served`);
        assert.ok(first.statements > 0, `${region} ${path}`);
        const again = await counted(app, path, { authorization });
        assert.deepEqual([again.res.headers['x-uprate-cache'], again.statements], ['hit', 0], `${region} ${path}`);
        if (path === url) answers[region] = first.res.body;
      }
      assert.equal(JSON.parse(answers[region] ?? '{}').offers, await offersBetween('2025-01-01', '2025-03-31', region), region);
    }
    assert.notEqual(answers['europe'], answers['apac']);
    const none = await counted(app, url, { authorization: `Bearer ${await token({ sub: 'no-region' })}` });
    assert.deepEqual([none.res.statusCode, none.statements], [403, 0], 'a token without the claim gets no cached answer');
  } finally {
    await app.close();
  }
});

test('an answer without asOf is as of the server clock and served for at most the max age; an explicit asOf never ages', async () => {
  let now = NOW.getTime();
  const { app } = await build({ clock: () => new Date(now), cacheMaxAgeMs: 60_000 });
  try {
    const url = `/api/v1/kpi?${RANGE}`;
    const first = await counted(app, url);
    assert.equal(first.res.headers['x-uprate-as-of'], NOW.toISOString());
    assert.equal(first.res.json().query.asOf, NOW.toISOString());
    now += 59_000;
    const young = await counted(app, url);
    assert.deepEqual([young.res.headers['x-uprate-cache'], young.statements, young.res.headers['x-uprate-as-of']], ['hit', 0, NOW.toISOString()]);
    now += 2_000;
    const old = await counted(app, url);
    assert.equal(old.res.headers['x-uprate-cache'], 'miss');
    assert.equal(old.res.headers['x-uprate-as-of'], new Date(now).toISOString());
    assert.equal(old.res.json().query.asOf, new Date(now).toISOString());

    const fixed = `/api/v1/kpi?${RANGE}&asOf=2025-07-01`;
    await counted(app, fixed);
    now += 30 * 86_400_000;
    const later = await counted(app, fixed);
    assert.deepEqual([later.res.headers['x-uprate-cache'], later.statements, later.res.headers['x-uprate-as-of']], ['hit', 0, '2025-07-01T00:00:00.000Z']);
  } finally {
    await app.close();
  }
  const never = await build({ cacheMaxAgeMs: 0 });
  try {
    await counted(never.app, `/api/v1/kpi?${RANGE}`);
    assert.equal((await counted(never.app, `/api/v1/kpi?${RANGE}`)).res.headers['x-uprate-cache'], 'miss', 'max age 0: computed afresh');
    await counted(never.app, `/api/v1/kpi?${RANGE}&asOf=2025-07-01`);
    assert.equal((await counted(never.app, `/api/v1/kpi?${RANGE}&asOf=2025-07-01`)).res.headers['x-uprate-cache'], 'hit');
  } finally {
    await never.app.close();
  }
});

test('a cached answer needs no query slot: it is served while the only slot is taken and the queue is full', async () => {
  const { app } = await build({ limits: { ...DEFAULT_LIMITS, maxConcurrentQueries: 1, maxQueuedQueries: 0 } });
  try {
    const cachedUrl = `/api/v1/kpi?${RANGE}`;
    await counted(app, cachedUrl);
    engine.hold();
    const slow = app.inject({ method: 'GET', url: `/api/v1/insights?${RANGE}` });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const hit = await app.inject({ method: 'GET', url: cachedUrl });
    assert.deepEqual([hit.statusCode, hit.headers['x-uprate-cache']], [200, 'hit']);
    const busy = await app.inject({ method: 'GET', url: `/api/v1/timeseries?${RANGE}` });
    assert.deepEqual([busy.statusCode, busy.json().code, busy.headers['retry-after']], [503, 'BUSY', '1']);
    engine.release();
    assert.equal((await slow).statusCode, 200);
  } finally {
    engine.release();
    await app.close();
  }
});

test('a computation whose client went away is not kept', async () => {
  const { app } = await build();
  try {
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const url = '/api/v1/insights?from=2025-03-01&to=2025-05-31';
    engine.reset();
    engine.hold();
    const socket = connect({ host: '127.0.0.1', port });
    socket.on('error', () => undefined);
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    socket.write(`GET ${url} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`);
    for (let i = 0; i < 200 && engine.count() === 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    assert.ok(engine.count() > 0, 'the computation started');
    socket.destroy();
    await new Promise((resolve) => setTimeout(resolve, 100));
    engine.release();
    await quiet();
    const next = await fetch(`http://127.0.0.1:${port}${url}`);
    assert.equal(next.status, 200);
    assert.equal(next.headers.get('x-uprate-cache'), 'miss', 'the cancelled computation left nothing behind');
  } finally {
    engine.release();
    await app.close();
  }
});

test('the alert list is forgotten after every alert check this server runs', async () => {
  const model = await loadModel(shippedModelDir());
  const { app } = await build({ model, alerts: alertSetup(configSchema.parse({}), model) });
  try {
    // The check queues behind the one the server runs when it starts.
    const check = async () => assert.equal((await app.inject({ method: 'POST', url: '/api/v1/alerts/check?at=2025-07-01' })).statusCode, 200);
    await check();
    const listed = await counted(app, '/api/v1/alerts');
    assert.equal(listed.res.headers['x-uprate-cache'], 'miss');
    const [state] = await engine.sql<{ firing: bigint }>("SELECT count(*) FILTER (WHERE state = 'firing') AS firing FROM uprate_alert_state");
    assert.equal(listed.res.json().firing.length, Number(state?.firing));
    assert.deepEqual([(await counted(app, '/api/v1/alerts')).res.headers['x-uprate-cache'], engine.count()], ['hit', 0]);
    await check();
    assert.equal((await counted(app, '/api/v1/alerts')).res.headers['x-uprate-cache'], 'miss');
  } finally {
    await app.close();
  }
});
