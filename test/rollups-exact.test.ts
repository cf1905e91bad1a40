/**
 * A rollup answer is the rows' answer. On DuckDB, PostgreSQL and the ClickHouse cluster, the demo data set is loaded with
 * `uprate ingest`, the shipped model's rollups are built with `uprate rollups build`, and every
 * query of the cross-engine suite plus queries aimed at the rollups' edges (the conversion window,
 * an as-of in the past, ranges that cut periods, security filters) is answered with rollups on
 * and off: counts must be equal, every other number within 1e-12. Then a re-load that changes
 * acceptances and moves offers to other months must leave the rollups fresh and still exact, and
 * a model with another conversion window must not read them.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { writeDemoFiles } from '../src/demo/index.js';
import { loadModel, shippedModelDir, type Model } from '../src/model/index.js';
import { allAccess, answerQuery, tenantAccess, type Access, type CubeQuery } from '../src/query/index.js';
import { dialectOf, prepareQuery, rollupsFor } from '../src/query/answer-query.js';
import { modelRollups, rollupStatus } from '../src/rollups/index.js';
import type { Store } from '../src/store/index.js';
import { answerDifferences, assertSameAnswer, engineSession, rollupEngines } from './rollup-reads.js';
import { API_CASES, CUBE_CASES, DEMO_END, NOW } from './cross-engine-queries.js';
import { buildApp } from '../src/server/index.js';
import { openClickHouseStore } from '../src/engines/clickhouse/index.js';

const ROWS = 12_000;
const dir = mkdtempSync(join(tmpdir(), 'uprate-rollups-'));
const isolation = `uprate_rollups_${process.pid}`;
const { engines, dropServers } = await rollupEngines(join(dir, 'rollups.duckdb'), isolation);
let files: { customers: string; offers: string };
let model: Model;

before(async () => {
  files = await writeDemoFiles({ dir, format: 'csv', rows: ROWS, seed: 20250630, end: DEMO_END });
  model = await loadModel(shippedModelDir());
});

after(async () => {
  await dropServers();
  rmSync(dir, { recursive: true, force: true });
});

const DAY = 86_400_000;
const at = (ms: number) => new Date(ms).toISOString().slice(0, 23);
/** Queries aimed at the rollups: ranges that cut periods, the window's edge, filters on stored and unstored members. */
function edgeCases(now: Date): { name: string; query: CubeQuery; access?: Access; now?: Date }[] {
  const rate = ['Offers.count', 'Offers.accepted', 'Offers.pending', 'Offers.conversionRate', 'Offers.expansionRevenue', 'Offers.revenuePerOffer'];
  const settled = now.getTime() - 30 * DAY;
  const month = { dimension: 'Offers.offeredAt', granularity: 'month' as const };
  return [
    { name: 'overall', query: { measures: rate } },
    { name: 'by day, all time', query: { measures: rate, timeDimensions: [{ dimension: 'Offers.offeredAt', granularity: 'day' }] } },
    { name: 'by week over a range that cuts weeks', query: { measures: rate, timeDimensions: [{ dimension: 'Offers.offeredAt', granularity: 'week', dateRange: ['2024-09-03', '2025-05-17'] }] } },
    { name: 'by month, range ending on the settled edge', query: { measures: rate, timeDimensions: [{ ...month, dateRange: ['2024-11-15', at(settled).slice(0, 10)] }] } },
    { name: 'a range inside the open window', query: { measures: rate, timeDimensions: [{ ...month, dateRange: [at(settled - 3 * DAY).slice(0, 10), at(now.getTime()).slice(0, 10)] }] } },
    { name: 'instants that cut days', query: { measures: rate, filters: [{ member: 'Offers.offeredAt', operator: 'afterDate', values: ['2024-10-03T13:14:15.000'] }, { member: 'Offers.offeredAt', operator: 'beforeOrOnDate', values: ['2025-03-09T07:00:00.000'] }] } },
    { name: 'instants compared with gte and lt (the projection reads days so)', query: { measures: rate, timeDimensions: [{ dimension: 'Offers.offeredAt', granularity: 'day', dateRange: ['2024-09-01', '2025-02-10'] }], filters: [{ member: 'Offers.offeredAt', operator: 'gte', values: ['2024-09-03T13:14:15.000'] }, { member: 'Offers.offeredAt', operator: 'lt', values: ['2025-02-09T07:00:00.000'] }] } },
    { name: 'instants compared with gt and lte on the last millisecond of a day', query: { measures: rate, dimensions: ['Customers.accountSize'], filters: [{ member: 'Offers.offeredAt', operator: 'gt', values: ['2024-10-31T23:59:59.999'] }, { member: 'Offers.offeredAt', operator: 'lte', values: ['2025-01-31T23:59:59.999'] }] } },
    { name: 'by quarter and year', query: { measures: rate, timeDimensions: [{ dimension: 'Offers.offeredAt', granularity: 'quarter' }, { dimension: 'Offers.offeredAt', granularity: 'year' }] } },
    { name: 'by size and month', query: { measures: rate, dimensions: ['Customers.accountSize'], timeDimensions: [month], order: [['Offers.offeredAt', 'asc'], ['Customers.accountSize', 'asc']] } },
    { name: 'by industry × engagement, filtered on channel (OR with NULL)', query: { measures: rate, dimensions: ['Customers.industry', 'Customers.engagementTier'], filters: [{ or: [{ member: 'Offers.channel', operator: 'equals', values: ['email'] }, { member: 'Offers.channel', operator: 'notSet' }] }] } },
    { name: 'by offer name, upsells, paged', query: { measures: rate, dimensions: ['Offers.offerName'], filters: [{ member: 'Offers.offerType', operator: 'equals', values: ['upsell'] }], order: [['Offers.count', 'desc'], ['Offers.offerName', 'asc']], limit: 5, offset: 2, total: true } },
    { name: 'a tenant (stored dimension)', query: { measures: rate, dimensions: ['Customers.accountSize'], timeDimensions: [month] }, access: tenantAccess([{ member: 'Customers.industry', operator: 'equals', values: ['retail'] }]) },
    { name: 'a tenant (no rollup stores both the dimension and the tenant\'s member)', query: { measures: rate, dimensions: ['Offers.offerName'] }, access: tenantAccess([{ member: 'Customers.region', operator: 'equals', values: ['emea'] }]) },
    { name: 'a tenant by region (stored with the dimension)', query: { measures: rate, dimensions: ['Offers.channel'] }, access: tenantAccess([{ member: 'Customers.region', operator: 'equals', values: ['emea'] }]) },
    { name: 'by region × plan and month, upsells', query: { measures: rate, dimensions: ['Customers.region', 'Customers.plan'], timeDimensions: [{ ...month, dateRange: ['2024-08-01', '2025-05-31'] }], filters: [{ member: 'Offers.offerType', operator: 'equals', values: ['upsell'] }] } },
    { name: 'as of a past instant', query: { measures: rate, dimensions: ['Offers.offerType'], timeDimensions: [{ dimension: 'Offers.offeredAt', granularity: 'month', dateRange: ['2024-07-01', '2025-01-20'] }] }, now: new Date('2025-01-20T09:30:00Z') },
    { name: 'offers per day and channel through the open window (no clock: all from the rollup)', query: { measures: ['Offers.count'], dimensions: ['Offers.channel'], timeDimensions: [{ dimension: 'Offers.offeredAt', granularity: 'day', dateRange: [at(settled - 5 * DAY).slice(0, 10), at(now.getTime()).slice(0, 10)] }] } },
    { name: 'in another time zone (rows)', query: { measures: rate, timeDimensions: [month], timezone: 'America/New_York' } },
    ...distinctCases(now),
  ];
}

const DISTINCT = ['Offers.customersOffered', 'Offers.customersConverted', 'Offers.customerConversionRate'];
const byMonth = (dateRange?: [string, string]) => [{ dimension: 'Offers.offeredAt', granularity: 'month' as const, ...(dateRange ? { dateRange } : {}) }];

/**
 * Distinct customers: the rollup storing them (customersMonthly, by offer type and channel per
 * month) answers the queries grouped as it is — a range cutting months, the months not settled at
 * the clock, an as-of in the past read those months whole from the rows — and no other.
 */
function distinctCases(now: Date): { name: string; query: CubeQuery; now?: Date; served: boolean }[] {
  const both = ['Offers.offerType', 'Offers.channel'];
  return [
    { name: 'distinct customers by month, type and channel, a range cutting months', query: { measures: [...DISTINCT, 'Offers.conversionRate'], dimensions: both, timeDimensions: byMonth(['2024-09-17', at(now.getTime()).slice(0, 10)]) }, served: true },
    { name: 'distinct customers by month and type, the channel fixed', query: { measures: DISTINCT, dimensions: ['Offers.offerType'], timeDimensions: byMonth(), filters: [{ member: 'Offers.channel', operator: 'equals', values: ['email'] }] }, served: true },
    { name: 'distinct customers as of a past instant', query: { measures: DISTINCT, dimensions: both, timeDimensions: byMonth(['2024-07-01', '2025-02-20']) }, now: new Date('2025-02-20T09:30:00Z'), served: true },
    { name: 'distinct customers by month and type, two channels (rows)', query: { measures: DISTINCT, dimensions: ['Offers.offerType'], timeDimensions: byMonth(), filters: [{ member: 'Offers.channel', operator: 'equals', values: ['email', 'sales'] }] }, served: false },
    { name: 'distinct customers by quarter (rows)', query: { measures: DISTINCT, dimensions: both, timeDimensions: [{ dimension: 'Offers.offeredAt', granularity: 'quarter' }] }, served: false },
    { name: 'distinct customers over a range, not by month (rows)', query: { measures: DISTINCT, dimensions: both, timeDimensions: [{ dimension: 'Offers.offeredAt', dateRange: ['2024-09-01', '2025-02-28'] }] }, served: false },
  ];
}

/** Rows as comparable lists: sorted unless the order is part of the answer. */
async function compareAll(store: Store, m: Model, label: string): Promise<{ cases: number; served: number }> {
  let served = 0;
  let cases = 0;
  const all: { name: string; query: CubeQuery; ordered: boolean; access?: Access; now?: Date; served?: boolean }[] = [
    ...CUBE_CASES.map((c) => ({ name: c.name, query: c.query, ordered: c.ordered ?? false })),
    ...edgeCases(NOW).map((c) => ({ ...c, ordered: false })),
  ];
  for (const c of all) {
    const now = c.now ?? NOW;
    const access = c.access ?? allAccess('local');
    const raw = await answerQuery(store, m, c.query, { now, access, useRollups: false });
    const rolled = await answerQuery(store, m, c.query, { now, access });
    raw.results.forEach((r, i) => {
      const other = rolled.results[i];
      assert.ok(other, `${label} ${c.name}: result ${i} missing`);
      assertSameAnswer(r, other, c.ordered, `${label} ${c.name}`);
      assert.equal(r.rollup, undefined, `${label} ${c.name}: rollups off still read one`);
      if (c.served !== undefined) assert.equal(other.rollup?.used === 'Offers.customersMonthly', c.served, `${label} ${c.name}: ${JSON.stringify(other.rollup)}`);
      if (other.rollup?.used) served++;
    });
    cases++;
  }
  return { cases, served };
}

/** The offers file with acceptances changed and offers moved to other months: a re-load's worth. */
function changedOffers(): string {
  const lines = readFileSync(files.offers, 'utf8').trimEnd().split('\n');
  const header = (lines[0] ?? '').split(',');
  const offeredAt = header.indexOf('offered_at');
  const acceptedAt = header.indexOf('accepted_at');
  const changed = lines.slice(1).flatMap((line, i) => {
    if (i % 7 !== 0) return [];
    const cells = line.split(',');
    if (i % 2 === 0) {
      // Moved ten weeks earlier: two partitions change.
      const moved = new Date(Date.parse(`${cells[offeredAt]}Z`.replace(' ', 'T').replace('ZZ', 'Z')) - 70 * DAY);
      if (!Number.isNaN(moved.getTime())) cells[offeredAt] = moved.toISOString().slice(0, 19).replace('T', ' ');
    } else {
      // Accepted now, or no longer accepted.
      cells[acceptedAt] = cells[acceptedAt] ? '' : (cells[offeredAt] ?? '');
    }
    return [cells.join(',')];
  });
  const file = join(dir, 'offers-changed.csv');
  writeFileSync(file, `${[lines[0], ...changed].join('\n')}\n`);
  return file;
}

/** New offers only (a day's ingest): copies of some stored offers under new ids, one with a campaign never seen. */
function newOffers(): string {
  const lines = readFileSync(files.offers, 'utf8').trimEnd().split('\n');
  const header = (lines[0] ?? '').split(',');
  const id = header.indexOf('offer_id');
  const campaign = header.indexOf('campaign');
  const added = lines.slice(1).flatMap((line, i) => {
    if (i % 40 !== 0) return [];
    const cells = line.split(',');
    cells[id] = `new-${cells[id] ?? i}`;
    if (i % 400 === 0) cells[campaign] = 'never-seen-before';
    return [cells.join(',')];
  });
  const file = join(dir, 'offers-new.csv');
  writeFileSync(file, `${[lines[0], ...added].join('\n')}\n`);
  return file;
}

for (const { engine, skip } of engines) {
  describe(`rollups answer exactly on ${engine.engine}`, { skip }, () => {
    /** The shipped rollup with a row per customer is not built on ClickHouse (its rollups of moments are). */
    const clusteredMissing = engine.engine === 'clickhouse';
    /** The shipped model's rollups in its order, each with the state expected: `plain` for the plain ones, fresh or (ClickHouse, a row per customer) missing for the others. */
    const expectedStates = (plain: string, clustered = 'fresh') => modelRollups(model).map((r) => [r.path, r.clusteredBy ? (clusteredMissing && !r.moments ? 'missing' : clustered) : plain]);
    const { open, cli, close } = engineSession(engine);

    before(async () => {
      const loaded = await cli(['ingest', files.customers, files.offers]);
      assert.equal(loaded.code, 0, loaded.stderr);
      const built = await cli(['rollups', 'build']);
      assert.equal(built.code, 0, built.stderr);
      assert.match(built.stdout, /Offers\.daily: [\d,]+ rows in uprate_rollup_offers_daily/);
      assert.match(built.stdout, /Offers\.segments: [\d,]+ rows/);
    });

    after(close);

    test('every query: the same answer with rollups on and off, and most read one', async () => {
      const { cases, served } = await compareAll(await open(), model, engine.engine);
      // Not vacuous: the rollups answered a good share of what they could.
      assert.ok(served >= 15, `only ${served} of ${cases} queries read a rollup`);
    });

    test("uprate's own endpoints: the same answers with rollups on and off", async () => {
      const { app } = await buildApp({ store: await open(), dev: true, logLevel: 'silent', clock: () => NOW, continueWaitMs: 120_000, cacheMaxAgeMs: 0 });
      try {
        for (const c of API_CASES) {
          const ask = async (off: boolean) => {
            // Read at request time (rollupsFor): the same server, the rows or the rollups.
            if (off) process.env['UPRATE_ROLLUPS'] = 'off';
            try {
              // cacheMaxAgeMs 0: a read without asOf is computed afresh every time.
              const res = await app.inject({ method: 'GET', url: c.path });
              assert.equal(res.statusCode, 200, `${c.name}: ${res.body.slice(0, 300)}`);
              return res.json() as unknown;
            } finally {
              delete process.env['UPRATE_ROLLUPS'];
            }
          };
          const on = await ask(false);
          const off = await ask(true);
          assert.deepEqual(answerDifferences(off, on), [], `${engine.engine} ${c.name}`);
        }
      } finally {
        await app.close();
      }
    });

    test('the rollup serves settled periods only (every period for measures without the clock), and /load says which', async () => {
      const byDay = [{ dimension: 'Offers.offeredAt', granularity: 'day' as const }];
      const answer = await answerQuery(await open(), model, { measures: ['Offers.count', 'Offers.accepted'], timeDimensions: byDay }, { now: NOW, access: allAccess('local') });
      const report = answer.results[0]?.rollup;
      // The smallest rollup by day storing both: the one by days to accept (a few dozen rows a day).
      assert.ok(report && report.used === 'Offers.timeToAccept', JSON.stringify(report));
      // Thirty days before the clock (2025-07-10 12:00) is 2025-06-10 12:00: whole days before it.
      assert.equal('periodsTo' in report ? report.periodsTo : undefined, '2025-06-10T00:00:00.000Z');
      assert.equal('readsRows' in report ? report.readsRows : undefined, true);
      assert.deepEqual(Object.keys(answer.results[0]?.usedPreAggregations ?? {}), ['uprate_rollup_offers_time_to_accept']);
      // A count of offers reads the same at any clock: every day from the rollup, none from the rows.
      const counted = await answerQuery(await open(), model, { measures: ['Offers.count'], timeDimensions: byDay, order: { 'Offers.offeredAt': 'desc' }, limit: 3 }, { now: NOW, access: allAccess('local') });
      const whole = counted.results[0]?.rollup;
      assert.ok(whole && 'periodsTo' in whole && whole.periodsTo === null && !whole.readsRows, JSON.stringify(whole));
      const rows = await answerQuery(await open(), model, { measures: ['Offers.count'], timeDimensions: byDay, order: { 'Offers.offeredAt': 'desc' }, limit: 3 }, { now: NOW, access: allAccess('local'), useRollups: false });
      assert.deepEqual(counted.results[0]?.data, rows.results[0]?.data);
      const miss = await answerQuery(await open(), model, { measures: ['Offers.customersOffered'] }, { now: NOW, access: allAccess('local') });
      assert.match(miss.results[0]?.rollup && 'reason' in miss.results[0].rollup ? miss.results[0].rollup.reason : '', /does not store Offers\.customersOffered/);
      // The time to accept under a filter on an offer's channel, name or campaign (upsells only, or
      // every offer type summed): its own rollup, the rows' answer. Days to accept read the clock, so
      // the rollup answers at a clock at or after its open window's (the build's: the machine's clock).
      const later = new Date();
      for (const [member, value, rollup] of [['Offers.channel', 'email', 'Offers.timeToAcceptByChannel'], ['Offers.offerName', 'Extra seats', 'Offers.timeToAcceptByOffer'], ['Offers.campaign', 'spring-expansion-2025', 'Offers.timeToAcceptByCampaign']] as const) {
        for (const types of [[{ member: 'Offers.offerType', operator: 'equals' as const, values: ['upsell'] }], []]) {
          const query: CubeQuery = { measures: ['Offers.count', 'Offers.accepted', 'Offers.pending'], dimensions: ['Offers.daysToAccept'], filters: [...types, { member, operator: 'equals', values: [value] }], timeDimensions: [{ dimension: 'Offers.offeredAt', dateRange: ['2024-07-01', '2025-07-10'] }] };
          const on = await answerQuery(await open(), model, query, { now: later, access: allAccess('local') });
          const off = await answerQuery(await open(), model, query, { now: later, access: allAccess('local'), useRollups: false });
          const read = on.results[0]?.rollup;
          assert.ok(read && 'used' in read && read.used === rollup, `${member} = ${value}: ${JSON.stringify(read)}`);
          assert.ok((off.results[0]?.data.length ?? 0) > 3, `${member} = ${value}: offers accepted after several numbers of days`);
          assertSameAnswer(off.results[0] as never, on.results[0] as never, false, `${member} = ${value}, ${types.length ? 'upsells' : 'every offer type'}`);
        }
      }
    });

    test('the periods a rollup leaves to the rows are read as one range of them (no OR the engine scans every row for)', async () => {
      const store = await open();
      const query: CubeQuery = { measures: ['Offers.count', 'Offers.pending'], dimensions: ['Customers.lifecycleStage'], timeDimensions: [{ dimension: 'Offers.offeredAt', dateRange: ['2024-08-01', '2025-07-31'] }] };
      const options = { now: NOW, access: allAccess('local') };
      const [prepared] = prepareQuery(model, query, { ...options, rollups: await rollupsFor(store, model, options) }, dialectOf(store)).queries;
      // The smallest plain rollup by lifecycle stage (segments, or one of those under a filter on a customer attribute).
      assert.ok(prepared?.rollup?.use.rollup.dimensions.includes('Customers.lifecycleStage') && !prepared.rollup.use.rollup.clusteredBy, prepared?.rollup?.use.rollup.path);
      assert.equal(prepared?.rollup?.readsRows, true, 'the months not settled at the clock come from the rows');
      const sql = prepared?.sql.sql ?? '';
      assert.match(sql, /UNION ALL/);
      // The query's own range keeps no offer without a time, none before the rollup's first month.
      assert.doesNotMatch(sql, /offered_at\)\s*IS NULL/);
      assert.equal(sql.match(/\bOR\b/g)?.length ?? 0, 0, sql);
      const on = await answerQuery(store, model, query, options);
      const off = await answerQuery(store, model, query, { ...options, useRollups: false });
      const [rows, rolled] = [off.results[0], on.results[0]];
      assert.ok(rows && rolled);
      assertSameAnswer(rows, rolled, false, 'one range of rows');
    });

    test('comparisons with the time member (gt, gte, lt, lte) are ranges of whole periods too', async () => {
      const read = async (filters: CubeQuery['filters']) => {
        const answer = await answerQuery(await open(), model, { measures: ['Offers.count', 'Offers.accepted'], timeDimensions: [{ dimension: 'Offers.offeredAt', granularity: 'day' }], filters }, { now: NOW, access: allAccess('local') });
        const report = answer.results[0]?.rollup;
        assert.ok(report && 'periodsFrom' in report, JSON.stringify(report));
        return report;
      };
      const t = 'Offers.offeredAt';
      // Days from the first whole one after 13:14 to the last that ends by 07:00; both cut days from the rows.
      const a = await read([{ member: t, operator: 'gte', values: ['2024-09-03T13:14:15.000'] }, { member: t, operator: 'lt', values: ['2025-02-09T07:00:00.000'] }]);
      assert.deepEqual([a.used, a.periodsFrom, a.periodsTo, a.readsRows], ['Offers.timeToAccept', '2024-09-04T00:00:00.000Z', '2025-02-09T00:00:00.000Z', true]);
      // Both at midnight: whole days only, nothing from the rows.
      const b = await read([{ member: t, operator: 'gte', values: ['2024-09-03'] }, { member: t, operator: 'lt', values: ['2025-02-09'] }]);
      assert.deepEqual([b.periodsFrom, b.periodsTo, b.readsRows], ['2024-09-03T00:00:00.000Z', '2025-02-09T00:00:00.000Z', false]);
      // After the last millisecond of a day: a microsecond engine keeps rows later in that
      // millisecond, after the instant and before the next day, so the rows are read too; up to
      // and including an instant: the day holding it is not whole.
      const c = await read([{ member: t, operator: 'gt', values: ['2024-10-31T23:59:59.999'] }, { member: t, operator: 'lte', values: ['2025-01-31T00:00:00.000'] }]);
      assert.deepEqual([c.periodsFrom, c.periodsTo, c.readsRows], ['2024-11-01T00:00:00.000Z', '2025-01-31T00:00:00.000Z', true]);
    });

    test('a re-load that changes acceptances and moves offers keeps the rollups fresh and exact', async () => {
      const reloaded = await cli(['ingest', changedOffers()]);
      assert.equal(reloaded.code, 0, reloaded.stderr);
      assert.match(reloaded.stdout, /updated/);
      const states = await rollupStatus(await open(), model);
      assert.deepEqual(states.map((s) => [s.name, s.state]), expectedStates('fresh'));
      const { served } = await compareAll(await open(), model, `${engine.engine} after a re-load`);
      assert.ok(served >= 15);
    });

    test('a load of new offers only (merged into the rollups on DuckDB and PostgreSQL) keeps them fresh and exact', async () => {
      const loaded = await cli(['ingest', newOffers()]);
      assert.equal(loaded.code, 0, loaded.stderr);
      assert.match(loaded.stdout, /inserted/);
      const states = await rollupStatus(await open(), model);
      assert.deepEqual(states.map((s) => [s.name, s.state]), expectedStates('fresh'));
      const { served } = await compareAll(await open(), model, `${engine.engine} after a load of new offers`);
      assert.ok(served >= 15);
    });

    test('a model with another conversion window does not read them; status says why', async () => {
      const other = await loadModel(shippedModelDir(), { conversionWindowDays: 14 });
      const states = await rollupStatus(await open(), other);
      const built = states.filter((s) => !(s.name.match(/perCustomer/) && clusteredMissing));
      assert.ok(built.length >= 3 && built.every((s) => s.state === 'stale' && /another definition/.test(s.why ?? '')), JSON.stringify(states.map((s) => s.why)));
      const answer = await answerQuery(await open(), other, { measures: ['Offers.count', 'Offers.accepted'] }, { now: NOW, access: allAccess('local') });
      assert.equal(answer.results[0]?.rollup, undefined);
    });

    test('uprate rollups status and drop', async () => {
      const status = await cli(['rollups', 'status']);
      assert.equal(status.code, 0, status.stderr);
      assert.match(status.stdout, /Offers\.daily\s+fresh/);
      const dropped = await cli(['rollups', 'drop', 'Offers.segments']);
      assert.equal(dropped.code, 0, dropped.stderr);
      assert.match(dropped.stdout, /dropped Offers\.segments/);
      const after = await cli(['rollups', 'status']);
      assert.match(after.stdout, /Offers\.segments\s+missing/);
      const unknown = await cli(['rollups', 'build', 'Offers.nope']);
      assert.equal(unknown.code, 1);
      assert.match(unknown.stderr, /the model has no rollup Offers\.nope[\s\S]*Offers\.daily, Offers\.segments, Offers\.perCustomer, Offers\.momentsTotal, [\s\S]*, Offers\.regions/);
    });

    test('the server lists, builds and drops them (admin routes)', async () => {
      const { app } = await buildApp({ store: await open(), dev: true, logLevel: 'silent', clock: () => NOW, cacheMaxAgeMs: 0 });
      try {
        const built = await app.inject({ method: 'POST', url: '/api/v1/rollups/build?name=Offers.segments' });
        assert.equal(built.statusCode, 200, built.body);
        const [segments] = (built.json() as { built: { name: string; rows: number }[] }).built;
        assert.equal(segments?.name, 'Offers.segments');
        const listed = (await app.inject({ method: 'GET', url: '/api/v1/rollups' })).json() as { rollups: { name: string; state: string; rows: number | null }[] };
        assert.deepEqual(listed.rollups.map((r) => [r.name, r.state]), expectedStates('fresh'));
        assert.equal(listed.rollups.find((r) => r.name === 'Offers.segments')?.rows, segments.rows);
        const { served } = await compareAll(await open(), model, `${engine.engine} after a build through the server`);
        assert.ok(served >= 15);
        const dropped = await app.inject({ method: 'POST', url: '/api/v1/rollups/drop?name=Offers.segments' });
        assert.deepEqual(dropped.json(), { dropped: ['Offers.segments'] });
      } finally {
        await app.close();
      }
    });

    // ClickHouse has no transaction: a rollup is valid for the data version it records. A commit
    // that did not refresh it (here a commit marker written by hand) must stop every read of it.
    if (engine.engine === 'clickhouse') {
      test('a commit that did not refresh a rollup leaves it stale, never read, until it is built again', async () => {
        const store = await openClickHouseStore(engine.where);
        try {
          const marker = JSON.stringify({ load_id: Date.now() * 1000 + 999, table_name: 'offers', source: 'test: a commit without a refresh', rows_read: 0, rows_inserted: 0, rows_updated: 0, rows_rejected: 0, is_replace: 0, loaded_at: '2025-07-10 12:00:00' });
          for (const shard of store.shards) await shard.request(`INSERT INTO ${store.shardDb}.loads FORMAT JSONEachRow`, { body: marker });
          const states = await rollupStatus(store, model);
          assert.deepEqual(states.map((s) => [s.name, s.state]), expectedStates('stale', 'stale').map(([name, state]) => [name, name === 'Offers.segments' ? 'missing' : state]));
          assert.match(states[0]?.why ?? '', /data changed since it was built/);
          const answer = await answerQuery(store, model, { measures: ['Offers.count'], timeDimensions: [{ dimension: 'Offers.offeredAt', granularity: 'day' }] }, { now: NOW, access: allAccess('local') });
          assert.ok(!answer.results[0]?.rollup?.used, JSON.stringify(answer.results[0]?.rollup));
        } finally {
          await store.close();
        }
        const rebuilt = await cli(['rollups', 'build', 'Offers.daily']);
        assert.equal(rebuilt.code, 0, rebuilt.stderr);
        const status = await cli(['rollups', 'status']);
        assert.match(status.stdout, /Offers\.daily\s+fresh/);
      });
    }
  });
}
