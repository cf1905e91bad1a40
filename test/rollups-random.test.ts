/**
 * Queries nobody wrote by hand: a seeded generator draws Cube queries (measures — distinct
 * customers among them, now and then grouped as the rollup storing them is —, dimensions of
 * both cubes, granularities, date ranges on and off period edges, filters of every kind, an OR,
 * time zones, a tenant's filter, a clock in the past or weeks ahead) and calls of uprate's own
 * endpoints (ranges, offer type, filters, asOf), and each is answered with rollups on and off on
 * the demo data with the shipped model's rollups built — then again after a load of new offers
 * only and after a load that moves offers and changes acceptances (the two ways a load maintains
 * the rollups), after offers of customers not yet known followed by a customers load that brings
 * them and changes other customers' attributes, and after two more loads of new offers, the second
 * merging every table the first appended to (DuckDB and PostgreSQL append; ClickHouse does not).
 * The answers must be the same: counts exactly, other numbers within 1e-12.
 *
 * The hand-written cases (rollups-exact, rollups-open-window, rollups-moments) each aim at one
 * edge; this one walks between them. A failure prints the seed and the query: rerun it with
 * UPRATE_RANDOM_SEED=<seed>.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { writeDemoFiles } from '../src/demo/index.js';
import { loadModel, shippedModelDir, type Model } from '../src/model/index.js';
import { allAccess, answerQuery, tenantAccess, type Access, type CubeQuery } from '../src/query/index.js';
import { buildApp } from '../src/server/index.js';
import type { Store } from '../src/store/index.js';
import { DEMO_END, NOW } from './cross-engine-queries.js';
import { answerDifferences, appendedOffers, assertSameAnswer, changedOffers, engineSession, rollupEngines, shiftDays } from './rollup-reads.js';

const SEED = Number(process.env['UPRATE_RANDOM_SEED'] ?? 20261205);
const ROWS = 8_000;
const DAY = 86_400_000;
const dir = mkdtempSync(join(tmpdir(), 'uprate-rollups-random-'));
const isolation = `uprate_random_${process.pid}`;
/** Queries per phase: DuckDB answers in milliseconds, the server engines in tenths of a second. */
const BUDGETS = { duckdb: { queries: 100, calls: 24 }, postgres: { queries: 30, calls: 8 }, clickhouse: { queries: 24, calls: 6 } } as const;
const { engines: slots, dropServers } = await rollupEngines(join(dir, 'random.duckdb'), isolation);
const engines = slots.map((e) => ({ ...e, ...BUDGETS[e.engine.engine] }));

/** Mulberry32: a small seeded generator, the same draws for the same seed on every machine. */
function generator(seed: number) {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)] as T;
  const some = <T>(xs: readonly T[], most: number, least = 0): T[] => {
    const n = least + int(most - least + 1);
    return [...xs].sort(() => next() - 0.5).slice(0, n);
  };
  return { next, int, pick, some, chance: (p: number) => next() < p };
}
type Draw = ReturnType<typeof generator>;

const MEASURES = [
  'Offers.count',
  'Offers.accepted',
  'Offers.pending',
  'Offers.conversionRate',
  'Offers.expansionRevenue',
  'Offers.revenuePerOffer',
];
/** Measures no shipped rollup stores: a query asking for one reads the rows whichever way (the answer must not change either). */
const UNSTORED = ['Offers.avgDaysToAccept', 'Offers.upsellConversionRate', 'Offers.crossSellConversionRate'];
/** Distinct counts, and a ratio of them: stored by one rollup (customersMonthly), which answers only queries grouped as it is. */
const DISTINCT = ['Offers.customersOffered', 'Offers.customersConverted', 'Offers.customerConversionRate'];
const OFFER_DIMENSIONS = ['Offers.offerType', 'Offers.channel', 'Offers.offerName', 'Offers.campaign'];
const CUSTOMER_DIMENSIONS = ['Customers.accountSize', 'Customers.lifecycleStage', 'Customers.engagementTier', 'Customers.industry', 'Customers.region', 'Customers.plan'];
const CLOCK_DIMENSIONS = ['Offers.daysToAccept', 'Offers.status'];
const GRAINS = ['day', 'week', 'month', 'quarter', 'year'] as const;
/**
 * The shipped plain rollups' dimensions and grain: most draws keep to one of them, so that the
 * rollups, their open windows and the rows' parts beside them are what gets compared (a draw over
 * any member reads the rows mostly).
 */
const SHAPES: readonly { readonly dimensions: readonly string[]; readonly grains: readonly (typeof GRAINS)[number][]; readonly distinct?: true }[] = [
  { dimensions: OFFER_DIMENSIONS, grains: GRAINS },
  { dimensions: ['Offers.offerType', 'Offers.channel'], grains: ['month', 'month', 'quarter', 'day'], distinct: true },
  { dimensions: ['Offers.offerType', 'Offers.channel', 'Customers.accountSize', 'Customers.lifecycleStage', 'Customers.engagementTier', 'Customers.industry'], grains: ['month', 'quarter', 'year'] },
  { dimensions: ['Offers.offerType', 'Offers.channel', 'Customers.region', 'Customers.plan'], grains: ['month', 'quarter', 'year'] },
  { dimensions: ['Offers.daysToAccept', 'Offers.offerType'], grains: GRAINS },
];
const ZONES = ['America/New_York', 'Asia/Kolkata'];

const iso = (ms: number) => new Date(ms).toISOString().slice(0, 23);
const utcDay = (ms: number) => Math.floor(ms / DAY) * DAY;
const monthStart = (ms: number) => {
  const d = new Date(ms);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
};

/**
 * An instant near the data's interesting places: a month's or a week's first day, any day, an
 * instant inside a day, the conversion window's edge at the clock, before the first offer and
 * after the last.
 */
function instant(r: Draw, first: number, last: number, now: number): number {
  const any = first + r.next() * (last - first);
  switch (r.int(8)) {
    case 0:
      return monthStart(any);
    case 1: {
      const day = utcDay(any);
      return day - ((new Date(day).getUTCDay() + 6) % 7) * DAY;
    }
    case 2:
      return utcDay(any);
    case 3:
      return Math.floor(any / 1000) * 1000 + r.int(1000);
    case 4:
      return utcDay(now - 30 * DAY) + (r.int(9) - 4) * DAY;
    case 5:
      return utcDay(first) - r.int(60) * DAY;
    case 6:
      return utcDay(last) + r.int(40) * DAY;
    default:
      return utcDay(any) + r.int(24) * 3_600_000;
  }
}

/** The values a dimension takes in the data (a tenant or a filter names one of them, now and then an unknown one). */
type Values = ReadonlyMap<string, readonly string[]>;

function filterOf(r: Draw, values: Values, first: number, last: number, now: number, members: readonly string[]): NonNullable<CubeQuery['filters']>[number] {
  const member = r.pick([...members, 'Offers.offeredAt', 'Offers.offeredAt']);
  if (member === 'Offers.offeredAt') {
    const operator = r.pick(['gt', 'gte', 'lt', 'lte', 'afterDate', 'beforeDate', 'beforeOrOnDate', 'afterOrOnDate']);
    const at = instant(r, first, last, now);
    return { member, operator, values: [r.chance(0.5) ? iso(at) : iso(at).slice(0, 10)] } as NonNullable<CubeQuery['filters']>[number];
  }
  const seen = values.get(member) ?? [];
  const chosen = r.chance(0.1) ? ['no-such-value'] : r.some(seen, 2, 1);
  const operator = r.pick(['equals', 'equals', 'equals', 'notEquals', 'set', 'notSet']);
  return (operator === 'set' || operator === 'notSet' ? { member, operator } : { member, operator, values: chosen }) as NonNullable<CubeQuery['filters']>[number];
}

interface Drawn {
  readonly query: CubeQuery;
  readonly now: Date;
  readonly access: Access;
  readonly tenant: string | null;
}

function drawQuery(r: Draw, values: Values, first: number, last: number): Drawn {
  const clock = r.int(10);
  // The clock: the tests' (ten days after the data), a past as-of, or weeks ahead.
  const now = clock < 6 ? NOW.getTime() : clock < 8 ? utcDay(first + r.next() * (last - first)) + r.int(86_400) * 1000 : NOW.getTime() + (1 + r.int(90)) * DAY;
  const measures = r.some(MEASURES, 4, 1);
  if (r.chance(0.08)) measures.push(r.pick([...UNSTORED, ...DISTINCT]));
  const shape = r.chance(0.7) ? r.pick(SHAPES) : { dimensions: [...OFFER_DIMENSIONS, ...CUSTOMER_DIMENSIONS, ...(r.chance(0.15) ? CLOCK_DIMENSIONS : [])], grains: GRAINS };
  if ('distinct' in shape) measures.push(...r.some(DISTINCT, 2, 1).filter((m) => !measures.includes(m)));
  const dimensions = r.some(shape.dimensions, 2);
  const members = shape.dimensions.filter((m) => !CLOCK_DIMENSIONS.includes(m));
  const query: { -readonly [K in keyof CubeQuery]: CubeQuery[K] } = { measures, dimensions };
  if (r.chance(0.8)) {
    const granularity = r.chance(0.85) ? r.pick(shape.grains) : undefined;
    let dateRange: [string, string] | undefined;
    if (r.chance(0.7)) {
      const [a, b] = [instant(r, first, last, now), instant(r, first, last, now)].sort((x, y) => x - y) as [number, number];
      const whole = r.chance(0.6);
      dateRange = whole ? [iso(a).slice(0, 10), iso(b).slice(0, 10)] : [iso(a), iso(b)];
    }
    query.timeDimensions = [{ dimension: 'Offers.offeredAt', ...(granularity ? { granularity } : {}), ...(dateRange ? { dateRange } : {}) }];
  }
  const filters = Array.from({ length: r.int(3) }, () => filterOf(r, values, first, last, now, members));
  if (r.chance(0.1)) filters.push({ or: [filterOf(r, values, first, last, now, members), filterOf(r, values, first, last, now, members)] } as NonNullable<CubeQuery['filters']>[number]);
  if (filters.length) query.filters = filters;
  if (r.chance(0.05)) query.timezone = r.pick(ZONES);
  let tenant: string | null = null;
  let access: Access = allAccess('local');
  if (r.chance(0.15)) {
    const member = r.pick(['Customers.region', 'Customers.industry', 'Customers.accountSize']);
    const value = r.pick(values.get(member) ?? ['none']);
    tenant = `${member} = ${value}`;
    access = tenantAccess([{ member, operator: 'equals', values: [value] }]);
  }
  return { query, now: new Date(now), access, tenant };
}

/** A call of uprate's own endpoints with a random selection. */
function drawCall(r: Draw, values: Values, first: number, last: number): string {
  const params = new URLSearchParams();
  if (r.chance(0.6)) {
    const [a, b] = [instant(r, first, last, NOW.getTime()), instant(r, first, last, NOW.getTime())].sort((x, y) => x - y) as [number, number];
    params.set('from', iso(a).slice(0, 10));
    params.set('to', iso(b).slice(0, 10));
  }
  if (r.chance(0.4)) params.set('offerType', r.pick(['upsell', 'cross_sell']));
  if (r.chance(0.5)) {
    const member = r.pick([...CUSTOMER_DIMENSIONS, 'Offers.channel', 'Offers.campaign']);
    params.set('filters', JSON.stringify([{ member, operator: 'equals', values: r.some(values.get(member) ?? [], 2, 1) }]));
  }
  if (r.chance(0.2)) params.set('asOf', iso(utcDay(first + r.next() * (NOW.getTime() - first))));
  const route = r.pick(['kpi', 'timeseries', 'timeseries', 'breakdown', 'breakdown', 'breakdown', 'leaderboard', 'report', 'insights', 'compare', 'time-to-accept']);
  const segmentBy = () => r.pick([...CUSTOMER_DIMENSIONS, ...OFFER_DIMENSIONS]);
  if (route === 'timeseries') {
    params.set('grain', r.pick(['day', 'week', 'month']));
    if (r.chance(0.3)) params.set('by', segmentBy());
  }
  if (route === 'breakdown') params.set('by', r.some([...CUSTOMER_DIMENSIONS, ...OFFER_DIMENSIONS], 2, 1).join(','));
  if (route === 'report') params.set('grain', r.pick(['week', 'month']));
  if (route === 'insights' && r.chance(0.5)) params.set('dimensions', r.some([...CUSTOMER_DIMENSIONS, ...OFFER_DIMENSIONS], 3, 1).join(','));
  if (route === 'time-to-accept' && r.chance(0.7)) params.set('by', segmentBy());
  if (route === 'compare') {
    // Two populations: a value of one member against another value of it, or against all selected, each now and then over its own days.
    const member = segmentBy();
    const [a, b = 'no-such-value'] = r.some(values.get(member) ?? [], 2, 2);
    params.set('a', JSON.stringify([{ member, operator: 'equals', values: [a] }]));
    params.set('b', JSON.stringify(r.chance(0.3) ? [] : [{ member, operator: 'equals', values: [b] }]));
    if (r.chance(0.3)) {
      const [x, y] = [instant(r, first, last, NOW.getTime()), instant(r, first, last, NOW.getTime())].sort((p, q) => p - q) as [number, number];
      params.set('bFrom', iso(x).slice(0, 10));
      params.set('bTo', iso(y).slice(0, 10));
    }
  }
  return `/api/v1/${route}?${params.toString()}`;
}

/** What a query answers: its rows, or the error it is refused with (the same either way). */
async function outcome(store: Store, model: Model, d: Drawn, useRollups: boolean) {
  try {
    return { answer: await answerQuery(store, model, d.query, { now: d.now, access: d.access, ...(useRollups ? {} : { useRollups: false }) }) };
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e) };
  }
}

const describeDrawn = (d: Drawn) => `${JSON.stringify(d.query)} at ${d.now.toISOString()}${d.tenant ? ` for a tenant (${d.tenant})` : ''}`;

let files: { customers: string; offers: string };

/**
 * Every 9th stored offer again, changed: one in two moved 45 days earlier (its acceptance and
 * decline with it), the others accepted two days after the offer if they were not, or no longer.
 */
function movedAndChanged(to: string): string {
  let n = 0;
  return changedOffers(files.offers, to, 9, (cells, header) => {
    const [offered, accepted, declined] = ['offered_at', 'accepted_at', 'declined_at'].map((c) => header.indexOf(c)) as [number, number, number];
    if (n++ % 2 === 0) {
      for (const i of [offered, accepted, declined]) if (i >= 0) cells[i] = shiftDays(cells[i] ?? '', -45);
    } else if (cells[accepted]) {
      cells[accepted] = '';
    } else {
      cells[accepted] = shiftDays(cells[offered] ?? '', 2);
      if (declined >= 0) cells[declined] = '';
    }
  });
}
let model: Model;

/** Every `every`-th stored offer again under a new id (`tag`), its customer renamed by `customer` (given the offer's index). */
function newOffers(to: string, every: number, tag: string, customer?: (i: number) => string): string {
  let n = 0;
  return changedOffers(files.offers, to, every, (cells, header) => {
    const id = header.indexOf('offer_id');
    cells[id] = `${tag}-${n}-${cells[id] ?? ''}`;
    if (customer) cells[header.indexOf('customer_id')] = customer(n);
    n++;
  });
}

/**
 * Every 6th customer with another account size, region, plan and engagement, and the late
 * customers (c-late-0 … c-late-39, whose offers came first) with the attributes of the first 40.
 */
function changedCustomers(to: string): string {
  const lines = readFileSync(files.customers, 'utf8').trimEnd().split('\n');
  const header = (lines[0] ?? '').split(',');
  const at = (c: string) => header.indexOf(c);
  const changed = lines.slice(1).filter((_, i) => i % 6 === 0).map((line, i) => {
    const cells = line.split(',');
    cells[at('account_size')] = ['smb', 'mid_market', 'enterprise', ''][i % 4] ?? '';
    cells[at('region')] = ['emea', 'apac', 'latam', 'na'][i % 4] ?? '';
    cells[at('plan')] = ['starter', 'pro', 'enterprise'][i % 3] ?? '';
    cells[at('engagement_score')] = String((i * 37) % 100);
    return cells.join(',');
  });
  const late = lines.slice(1, 41).map((line, i) => [`c-late-${i}`, ...line.split(',').slice(1)].join(','));
  writeFileSync(to, `${[lines[0], ...changed, ...late].join('\n')}\n`);
  return to;
}

before(async () => {
  files = await writeDemoFiles({ dir, format: 'csv', rows: ROWS, seed: 7, end: DEMO_END });
  model = await loadModel(shippedModelDir());
});

after(async () => {
  await dropServers();
  rmSync(dir, { recursive: true, force: true });
});

for (const { engine, skip, queries, calls } of engines) {
  describe(`random queries: the same answers with rollups on and off on ${engine.engine} (seed ${SEED})`, { skip }, () => {
    const { open, cli, close } = engineSession(engine);
    let values: Values = new Map();
    let bounds = { first: 0, last: 0 };

    before(async () => {
      const loaded = await cli(['ingest', files.customers, files.offers]);
      assert.equal(loaded.code, 0, loaded.stderr);
      const built = await cli(['rollups', 'build']);
      assert.equal(built.code, 0, built.stderr);
      const store = await open();
      const seen = new Map<string, string[]>();
      for (const member of [...OFFER_DIMENSIONS, ...CUSTOMER_DIMENSIONS]) {
        const answer = await answerQuery(store, model, { measures: ['Offers.count'], dimensions: [member] }, { now: NOW, access: allAccess('local'), useRollups: false });
        seen.set(member, (answer.results[0]?.data ?? []).map((row) => row[member]).filter((v): v is string => typeof v === 'string'));
      }
      values = seen;
      const span = await answerQuery(store, model, { measures: ['Offers.count'], timeDimensions: [{ dimension: 'Offers.offeredAt', granularity: 'day' }], order: [['Offers.offeredAt', 'asc']] }, { now: NOW, access: allAccess('local'), useRollups: false });
      const days = (span.results[0]?.data ?? []).map((row) => Date.parse(`${String(row['Offers.offeredAt.day'])}Z`));
      bounds = { first: Math.min(...days), last: Math.max(...days) + DAY - 1 };
      assert.ok(seen.get('Customers.accountSize')?.length && Number.isFinite(bounds.first), 'the demo data has values and days');
    });

    after(close);

    /** Draws `queries` queries and `calls` endpoint calls (a `share` of the calls) from `seed` and compares both answers of each. */
    const compare = async (seed: number, phase: string, share = 1) => {
      const r = generator(seed);
      // The endpoint calls are the costly draws; the queries all stay, so that a quarter of them
      // reading a rollup (below) stays a fair check of the phase.
      const budget = { queries, calls: Math.ceil(calls / share) };
      const store = await open();
      const failures: string[] = [];
      let served = 0;
      for (let i = 0; i < budget.queries; i++) {
        const d = drawQuery(r, values, bounds.first, bounds.last);
        const [off, on] = [await outcome(store, model, d, false), await outcome(store, model, d, true)];
        if ('error' in off || 'error' in on) {
          if (!('error' in off && 'error' in on && off.error === on.error)) failures.push(`query ${i}: ${describeDrawn(d)}: ${'error' in off ? off.error : 'answered'} from the rows, ${'error' in on ? on.error : 'answered'} with rollups`);
          continue;
        }
        try {
          off.answer.results.forEach((raw, k) => {
            const rolled = on.answer.results[k];
            assert.ok(rolled, `result ${k} missing`);
            assertSameAnswer(raw, rolled, false, `result ${k}`);
            if (rolled.rollup?.used) served++;
          });
        } catch (e) {
          failures.push(`query ${i}: ${describeDrawn(d)}: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
        }
      }
      const { app } = await buildApp({ store, dev: true, logLevel: 'silent', clock: () => NOW, continueWaitMs: 120_000, cacheMaxAgeMs: 0 });
      try {
        for (let i = 0; i < budget.calls; i++) {
          const path = drawCall(r, values, bounds.first, bounds.last);
          const ask = async (off: boolean) => {
            if (off) process.env['UPRATE_ROLLUPS'] = 'off';
            try {
              const res = await app.inject({ method: 'GET', url: path });
              return { status: res.statusCode, body: res.json() as unknown };
            } finally {
              delete process.env['UPRATE_ROLLUPS'];
            }
          };
          const on = await ask(false);
          const off = await ask(true);
          const found = on.status === off.status ? answerDifferences(off.body, on.body) : [`status ${off.status} from the rows, ${on.status} with rollups`];
          if (found.length) failures.push(`call ${i}: GET ${path}: ${found.join('; ')}`);
        }
      } finally {
        await app.close();
      }
      assert.deepEqual(failures, [], `${engine.engine} ${phase}, seed ${seed}: ${failures.length} of ${budget.queries + budget.calls} differ`);
      if (engine.engine !== 'clickhouse') {
        // A load records each rollup's rows from what it wrote (an append's inserted groups), not by counting the table again: the two agree.
        const miscounted: string[] = [];
        for (const r of await store.query('SELECT name, table_name, row_count FROM uprate_rollups ORDER BY name')) {
          const [held] = await store.query(`SELECT count(*) AS n FROM ${String(r['table_name'])}`);
          if (Number(held?.['n']) !== Number(r['row_count'])) miscounted.push(`${String(r['name'])}: ${String(r['row_count'])} recorded, ${String(held?.['n'])} held`);
        }
        assert.deepEqual(miscounted, [], `${engine.engine} ${phase}: the registry's row counts`);
      }
      // Not vacuous: a good share of the draws read a rollup.
      assert.ok(served >= budget.queries / 4, `${engine.engine} ${phase}: only ${served} of ${budget.queries} queries read a rollup`);
    };

    test('after the build', () => compare(SEED, 'after the build'));

    test('after a load of new offers only', async () => {
      const loaded = await cli(['ingest', appendedOffers(files.offers, join(dir, `offers-new-${engine.engine}.csv`), 25)]);
      assert.equal(loaded.code, 0, loaded.stderr);
      await compare(SEED + 1, 'after a load of new offers');
    });

    test('after a load that moves offers and changes acceptances', async () => {
      const loaded = await cli(['ingest', movedAndChanged(join(dir, `offers-moved-${engine.engine}.csv`))]);
      assert.equal(loaded.code, 0, loaded.stderr);
      await compare(SEED + 2, 'after a load that moves offers');
    });

    test('after offers of customers not yet known, then a customers load that brings them and changes others', async () => {
      const offers = newOffers(join(dir, `offers-late-${engine.engine}.csv`), 17, 'late', (i) => `c-late-${i % 40}`);
      const customers = changedCustomers(join(dir, `customers-changed-${engine.engine}.csv`));
      for (const args of [[offers], ['--table', 'customers', customers]]) {
        const loaded = await cli(['ingest', ...args]);
        assert.equal(loaded.code, 0, loaded.stderr);
      }
      await compare(SEED + 3, 'after the customers load', 3);
    });

    // Appended groups are DuckDB's and PostgreSQL's: ClickHouse fills a new generation of every
    // rollup per load (test/clickhouse-refresh-months.test.ts follows its loads in a row).
    if (engine.engine !== 'clickhouse')
      test('after loads of new offers in a row, the second merging every table the first outgrew', async () => {
        const ingest = async (file: string) => {
          const loaded = await cli(['ingest', file]);
          assert.equal(loaded.code, 0, loaded.stderr);
        };
        await ingest(newOffers(join(dir, `offers-more-${engine.engine}.csv`), 3, 'more'));
        // A table merges once it holds twice its rows when last merged and 10,000 more: far more
        // offers than these 8,000. Recorded as grown from 10 rows to 20,000, every table appended to
        // (and its open window) is outgrown, so the next load merges each (merge-sql.ts outgrown).
        const store = await open();
        const appended = await store.query('SELECT name, open_window FROM uprate_rollups WHERE compact_rows IS NOT NULL');
        assert.ok(appended.length > 0, 'a load of new offers appended to plain rollups');
        for (const r of appended) {
          const window = r['open_window'] === null ? null : { ...(JSON.parse(String(r['open_window'])) as Record<string, unknown>), rows: 20_000, compactRows: 10 };
          await store.run('UPDATE uprate_rollups SET row_count = 20000, compact_rows = 10, open_window = $1 WHERE name = $2', [window && JSON.stringify(window), String(r['name'])]);
        }
        await ingest(newOffers(join(dir, `offers-merged-${engine.engine}.csv`), 5, 'merged'));
        const merged = await open();
        const registry = await merged.query('SELECT name, row_count, compact_rows, open_window FROM uprate_rollups');
        const left = registry.filter((r) => Number(r['row_count']) === 20_000 || Number(r['compact_rows']) === 10 || (r['open_window'] !== null && (JSON.parse(String(r['open_window'])) as { compactRows?: number }).compactRows === 10));
        assert.deepEqual(left.map((r) => r['name']), [], 'each outgrown table and window was merged');
        await compare(SEED + 4, 'after the tables merged', 3);
      });
  });
}
