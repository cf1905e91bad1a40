/**
 * A rollup's open window (src/rollups/open-window.ts) answers the periods whose conversion window
 * is still open exactly as the rows do, at every clock from its own on. On DuckDB, PostgreSQL and ClickHouse
 * the demo data (ending in the future, so that acceptances lie past the wall clock and the
 * window's clock is the data's, not the machine's) is loaded and the shipped rollups that keep an open window built; then
 * queries aimed at the open window — pending offers by customer attribute, day by day across its
 * start, ranges cutting its periods, a filtered and a tenant's read — are answered with rollups on
 * and off at clocks from the window's own to past the end of every offer's window: the same
 * answer, and read from the open window (with the rows closed since taken from its closing table).
 * A clock before the window's reads the rows for those periods. A load refills it after its
 * commit, as of the data it then holds. On the ClickHouse cluster the window is filled with each
 * new generation of its rollup (every load's refresh), never moved, and read the same way.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { writeDemoFiles } from '../src/demo/index.js';
import { loadModel, shippedModelDir, type Model } from '../src/model/index.js';
import { allAccess, answerQuery, tenantAccess, type Access, type CubeQuery } from '../src/query/index.js';
import { ingestFiles } from '../src/ingest/index.js';
import { modelRollups, rollupStatus } from '../src/rollups/index.js';
import { filled, openWindowMoved } from '../src/rollups/open-window.js';
import type { SqlValue } from '../src/store/index.js';
import { refillClickHouseOpenWindows, type ClickHouseRollupTarget } from '../src/engines/clickhouse/clickhouse-rollups.js';
import { assertSameAnswer, engineSession, rollupEngines } from './rollup-reads.js';

const DAY = 86_400_000;
const dir = mkdtempSync(join(tmpdir(), 'uprate-open-window-'));
const isolation = `uprate_open_window_${process.pid}`;
const { engines, dropServers } = await rollupEngines(join(dir, 'open.duckdb'), isolation);
/** Past the machine's clock: offers, acceptances and declines run to 12 days beyond it. */
const END = new Date(Date.now() + 12 * DAY);
let files: { customers: string; offers: string };
let model: Model;
/**
 * The shipped model's plain rollups whose measures read the clock: each keeps an open window but
 * one storing a distinct count (customersMonthly: its unsettled periods are read from the rows).
 */
const windowed = () => modelRollups(model).filter((r) => r.settledAfterDays !== null && r.measures.every((m) => measureType(m) !== 'count_distinct')).map((r) => r.path).sort();
const measureType = (path: string) => {
  const [cube = '', name = ''] = path.split('.');
  return model.cubes.get(cube)?.measures.get(name)?.type;
};

before(async () => {
  files = await writeDemoFiles({ dir, format: 'csv', rows: 8_000, seed: 20261204, end: END });
  model = await loadModel(shippedModelDir());
});

after(async () => {
  await dropServers();
  rmSync(dir, { recursive: true, force: true });
});

const at = (ms: number) => new Date(ms).toISOString().slice(0, 23);

/** The demo offers file's lines (the header first), a column's index, and a line's offered instant. */
function demoOffers() {
  const lines = readFileSync(files.offers, 'utf8').trimEnd().split('\n');
  const header = (lines[0] ?? '').split(',');
  const col = (name: string) => header.indexOf(name);
  const offeredAt = (line: string) => Date.parse(line.split(',')[col('offered_at')] ?? '');
  // An outcome given to a line is never before its offer: the latest stored outcome can lie more
  // than a day before the last offer (the demo's outcomes stop at its end, and which fall last
  // depends on the hour the test runs at).
  const outcome = (line: string, ms: number) => `${at(Math.max(ms, offeredAt(line) + 3_600_000))}Z`;
  return { lines, col, offeredAt, outcome };
}

/** Queries whose answers the open window's periods and the rows closed since make up. */
function cases(clock: number, lastOffer: number): { name: string; query: CubeQuery; access?: Access }[] {
  const rate = ['Offers.count', 'Offers.accepted', 'Offers.pending', 'Offers.conversionRate'];
  const day = { dimension: 'Offers.offeredAt', granularity: 'day' as const };
  return [
    { name: 'overall', query: { measures: [...rate, 'Offers.expansionRevenue'] } },
    { name: 'pending by account size', query: { measures: ['Offers.pending'], dimensions: ['Customers.accountSize'] } },
    { name: 'by industry and month', query: { measures: rate, dimensions: ['Customers.industry'], timeDimensions: [{ dimension: 'Offers.offeredAt', granularity: 'month' }] } },
    { name: 'day by day across the window', query: { measures: rate, timeDimensions: [{ ...day, dateRange: [at(clock - 75 * DAY).slice(0, 10), at(clock + 20 * DAY).slice(0, 10)] }] } },
    { name: 'by week, a range cutting weeks', query: { measures: ['Offers.pending', 'Offers.accepted'], dimensions: ['Offers.offerType'], timeDimensions: [{ dimension: 'Offers.offeredAt', granularity: 'week', dateRange: [at(clock - 50 * DAY).slice(0, 10), at(clock - 9 * DAY).slice(0, 10)] }] } },
    { name: 'instants cutting days', query: { measures: rate, dimensions: ['Offers.channel'], filters: [{ member: 'Offers.offeredAt', operator: 'afterDate', values: [at(clock - 40 * DAY + 3_723_000)] }, { member: 'Offers.offeredAt', operator: 'beforeOrOnDate', values: [at(clock - 20 * DAY - 7_000)] }] } },
    // A range ending after the last offer keeps its last period whole; one ending an hour before it does not.
    { name: 'a range ending just before the last offer', query: { measures: rate, dimensions: ['Customers.accountSize'], filters: [{ member: 'Offers.offeredAt', operator: 'beforeOrOnDate', values: [at(lastOffer - 3_600_000)] }] } },
    { name: 'a range ending just after the last offer', query: { measures: rate, dimensions: ['Customers.accountSize'], timeDimensions: [{ dimension: 'Offers.offeredAt', dateRange: [at(clock - 200 * DAY), at(lastOffer + 1)] }] } },
    // A dimension that reads the clock (accepted by now): stored as at the end of time, read at or after the open window's clock.
    { name: "by days to accept over the year to the clock (the headline's time to accept)", query: { measures: rate, dimensions: ['Offers.daysToAccept'], filters: [{ member: 'Offers.offeredAt', operator: 'gte', values: [at(clock - 365 * DAY)] }, { member: 'Offers.offeredAt', operator: 'lt', values: [at(clock)] }] } },
    { name: 'filtered on a stored dimension', query: { measures: rate, dimensions: ['Customers.lifecycleStage'], filters: [{ member: 'Offers.offerType', operator: 'equals', values: ['upsell'] }] } },
    { name: "a tenant's rows", query: { measures: rate, dimensions: ['Offers.channel'] }, access: tenantAccess([{ member: 'Customers.industry', operator: 'equals', values: ['retail'] }]) },
  ];
}

for (const { engine, skip } of engines) {
  describe(`open windows answer exactly on ${engine.engine}`, { skip }, () => {
    const session = engineSession(engine);
    const { open } = session;
    const cli = async (args: string[]) => {
      const out = await session.cli(args);
      assert.equal(out.code, 0, out.stderr);
      return out;
    };
    /** The open windows as the registry holds them, beside what plain SQL says they must be. */
    const windows = async () => {
      const s = await open();
      const status = await rollupStatus(s, model);
      const [latest] = await s.query('SELECT max(accepted_at) AS a, max(declined_at) AS d FROM offers');
      const version = await s.dataVersion();
      return { status, latest: Math.max(...[latest?.['a'], latest?.['d']].map((v) => (v instanceof Date ? v.getTime() : Date.parse(`${String(v).replace(' ', 'T')}Z`)))), version };
    };

    /** Every case at each clock: the same answer with rollups on and off; how many read the open window and its closed rows. */
    const compare = async (clocks: readonly number[]) => {
      let opened = 0;
      let closed = 0;
      const s = await open();
      const [row] = await s.query('SELECT max(offered_at) AS t FROM offers');
      const lastOffer = row?.['t'] instanceof Date ? row['t'].getTime() : Date.parse(`${String(row?.['t']).replace(' ', 'T')}Z`);
      for (const now of clocks) {
        for (const c of cases(now, lastOffer)) {
          const access = c.access ?? allAccess('local');
          const raw = await answerQuery(s, model, c.query, { now: new Date(now), access, useRollups: false });
          const rolled = await answerQuery(s, model, c.query, { now: new Date(now), access });
          const [r, o] = [raw.results[0], rolled.results[0]];
          assert.ok(r && o);
          assertSameAnswer(r, o, false, `${engine.engine} ${c.name} at ${at(now)}`);
          const window = o.rollup && 'openWindow' in o.rollup ? o.rollup.openWindow : undefined;
          if (window) opened++;
          if (window?.readsClosedRows) closed++;
        }
      }
      return { opened, closed };
    };

    before(async () => {
      await cli(['ingest', files.customers, files.offers]);
      // The rollups that keep an open window, and one of distinct customers, one by customer and one of moments (which keep
      // none): every load below maintains only the rollups built, and the other rollups of
      // moments (most of the shipped model's) only made each load slower here.
      await cli(['rollups', 'build', ...windowed(), 'Offers.customersMonthly', 'Offers.perCustomer', 'Offers.momentsTotal']);
    });
    after(session.close);

    test('built with the rollups: at a clock past every acceptance and decline, from the first period not settled then', async () => {
      const { status, latest, version } = await windows();
      const plain = status.filter((s) => windowed().includes(s.name));
      assert.ok(['Offers.daily', 'Offers.segments', 'Offers.regions', 'Offers.timeToAccept'].every((n) => windowed().includes(n)), 'the shipped model keeps open windows by day and by month, with and without customer attributes');
      assert.equal(plain.length, windowed().length);
      for (const s of plain) {
        const w = s.usable?.open;
        assert.ok(w?.clock && w.from, `${s.name} has an open window`);
        assert.ok(Date.parse(w.clock) > latest, `${s.name}: its clock ${w.clock} is past the latest acceptance or decline`);
        assert.equal(w.dataVersion, version);
        // Not settled at its clock: periods ending less than the 30-day window before it.
        const first = Date.parse(w.from);
        assert.ok(first <= Date.parse(w.clock) - 30 * DAY, `${s.name}: ${w.from}`);
        assert.ok(first > Date.parse(w.clock) - 30 * DAY - (s.name === 'Offers.daily' ? DAY : 31 * DAY), `${s.name}: ${w.from}`);
      }
      // The rollups by customer and of moments keep none.
      const momentsTotal = status.find((s) => s.name === 'Offers.momentsTotal');
      assert.equal(momentsTotal?.state, 'fresh');
      assert.ok(status.filter((s) => s.name.includes('moments') || s.name === 'Offers.perCustomer').every((s) => !s.usable?.open));
      // Nor does one storing a distinct count (the groups of a window could not be merged with a load's).
      const distinct = status.find((s) => s.name === 'Offers.customersMonthly');
      assert.equal(distinct?.state, 'fresh');
      assert.ok(!distinct?.usable?.open);
      const listed = await cli(['rollups', 'status']);
      assert.match(listed.stdout, /Offers\.segments +fresh .*; open window from \d{4}-\d\d-01 as at \d{4}-\d\d-\d\d \d\d:\d\d/);
      assert.doesNotMatch(listed.stdout, /Offers\.momentsTotal .*open window/);
    });

    test('at its clock and later (past the end of every window): the rows’ answer, from the open window and the rows closed since', async () => {
      const { status } = await windows();
      const clock = Date.parse(status.find((s) => s.name === 'Offers.daily')?.usable?.open?.clock ?? '');
      const later = Math.max(...status.flatMap((s) => (s.usable?.open?.clock ? [Date.parse(s.usable.open.clock)] : [])));
      const { opened, closed } = await compare([later, later + 3_600_000, later + 2 * DAY + 17_000, later + 29 * DAY, later + 31 * DAY, later + 75 * DAY]);
      const perClock = cases(clock, 0).length;
      assert.ok(opened >= 5 * perClock, `the open window answered ${opened} reads`);
      assert.ok(closed >= 4 * perClock, `rows closed since its clock were read for ${closed}`);
    });

    test('a range starting before the first offer keeps its first period whole; one starting after it reads that period’s rows', async () => {
      const { status } = await windows();
      const clock = Math.max(...status.flatMap((s) => (s.usable?.open?.clock ? [Date.parse(s.usable.open.clock)] : []))) + DAY;
      const s = await open();
      const [row] = await s.query('SELECT min(offered_at) AS t FROM offers');
      const firstOffer = row?.['t'] instanceof Date ? row['t'].getTime() : Date.parse(`${String(row?.['t']).replace(' ', 'T')}Z`);
      const firstDay = at(firstOffer).slice(0, 10);
      const rate = ['Offers.count', 'Offers.accepted', 'Offers.pending', 'Offers.conversionRate', 'Offers.expansionRevenue'];
      // Its day's start (the dashboard's range from the first day), a millisecond before it, and an hour after it.
      const reads: { name: string; query: CubeQuery; rows: boolean }[] = [
        { name: 'from the first day', query: { measures: rate, dimensions: ['Customers.industry'], timeDimensions: [{ dimension: 'Offers.offeredAt', dateRange: [firstDay, at(clock).slice(0, 10)] }] }, rows: false },
        { name: 'by month from the first day', query: { measures: rate, dimensions: ['Offers.channel'], timeDimensions: [{ dimension: 'Offers.offeredAt', granularity: 'month', dateRange: [firstDay, at(clock).slice(0, 10)] }] }, rows: false },
        { name: 'from a millisecond before the first offer', query: { measures: rate, filters: [{ member: 'Offers.offeredAt', operator: 'gte', values: [at(firstOffer - 1)] }] }, rows: false },
        { name: 'from an hour after the first offer', query: { measures: rate, dimensions: ['Customers.region'], filters: [{ member: 'Offers.offeredAt', operator: 'gte', values: [at(firstOffer + 3_600_000)] }] }, rows: true },
        { name: 'after the first offer itself', query: { measures: rate, filters: [{ member: 'Offers.offeredAt', operator: 'gt', values: [at(firstOffer)] }] }, rows: true },
      ];
      for (const r of reads) {
        const access = allAccess('local');
        const raw = await answerQuery(s, model, r.query, { now: new Date(clock), access, useRollups: false });
        const rolled = await answerQuery(s, model, r.query, { now: new Date(clock), access });
        const [a, b] = [raw.results[0], rolled.results[0]];
        assert.ok(a && b);
        assertSameAnswer(a, b, false, `${engine.engine} ${r.name}`);
        const used = b.rollup && 'readsRows' in b.rollup ? b.rollup : undefined;
        assert.ok(used, `${r.name}: a rollup answers (${JSON.stringify(b.rollup)})`);
        assert.equal(used.readsRows, r.rows, `${r.name}: rows read (${JSON.stringify(b.rollup)})`);
      }
    });

    test('a clock before the open window’s reads those periods from the rows', async () => {
      const { status } = await windows();
      const first = Math.min(...status.flatMap((s) => (s.usable?.open?.clock ? [Date.parse(s.usable.open.clock)] : [])));
      const { opened } = await compare([first - 1, first - 5 * DAY]);
      assert.equal(opened, 0);
    });

    test('ClickHouse: filled again at a later clock, as new generations of the plain rollups; the rows’ answer from it', { skip: engine.engine !== 'clickhouse' && 'a ClickHouse window is filled with a generation, never moved' }, async () => {
      const { status, latest } = await windows();
      // A day past every acceptance and decline (its own build's clock: a millisecond past them).
      const later = latest + DAY + 12_345;
      const s = await open();
      const tables = new Map(status.map((x) => [x.name, x.usable?.stored.table]));
      const filled = await refillClickHouseOpenWindows(s as unknown as ClickHouseRollupTarget, later);
      assert.equal(filled, windowed().length);
      const after = await windows();
      for (const r of after.status.filter((x) => x.usable?.open)) {
        assert.equal(r.usable?.open?.clock, new Date(later).toISOString(), `${r.name}: filled at the clock asked for`);
        assert.notEqual(r.usable?.stored.table, tables.get(r.name), `${r.name}: a new generation`);
      }
      const { opened, closed } = await compare([later, later + 3 * DAY]);
      assert.ok(opened >= cases(later, 0).length, `the open window answered ${opened} reads`);
      assert.ok(closed > 0);
    });

    test('a load of new offers only moves it in its own commit: the tables a fill at the new clock holds, and the rows’ answer', async () => {
      const { lines, col, offeredAt, outcome } = demoOffers();
      const { latest } = await windows();
      // New keys: recent offers (some accepted or declined after every instant stored, so the clock
      // moves and rows close in between), others of a settled month (merged into the rollup only).
      const recent = lines.slice(1).filter((l) => offeredAt(l) > END.getTime() - 28 * DAY);
      const old = lines.slice(1).filter((l) => offeredAt(l) < END.getTime() - 120 * DAY);
      const fresh = [...recent.filter((_, i) => i % 7 === 0), ...old.filter((_, i) => i % 50 === 0)].map((line, i) => {
        const cells = line.split(',');
        cells[col('offer_id')] = `fresh-${i}`;
        if (i % 3 === 0) [cells[col('accepted_at')], cells[col('declined_at')]] = [outcome(line, latest + 3 * DAY + i * 1000), ''];
        if (i % 3 === 1) [cells[col('accepted_at')], cells[col('declined_at')]] = ['', outcome(line, latest + DAY)];
        if (i % 3 === 2) [cells[col('accepted_at')], cells[col('declined_at')]] = ['', ''];
        return cells.join(',');
      });
      assert.ok(fresh.length > 30);
      const file = join(dir, 'offers-fresh.csv');
      writeFileSync(file, `${[lines[0], ...fresh].join('\n')}\n`);
      const moved: string[] = [];
      const watch = (m: unknown) => moved.push((m as { rollup: string }).rollup);
      openWindowMoved.subscribe(watch);
      try {
        await ingestFiles(await open(), { table: 'offers', files: [file] });
      } finally {
        openWindowMoved.unsubscribe(watch);
      }
      const plain = windowed();
      // ClickHouse fills each load's refresh as a new generation, with its window: none is moved.
      const clickhouse = engine.engine === 'clickhouse';
      assert.deepEqual(moved.sort(), clickhouse ? [] : plain);
      const after = await windows();
      const s = await open();
      for (const r of after.status.filter((x) => plain.includes(x.name))) {
        const w = r.usable?.open;
        assert.ok(w?.clock && w.from, `${r.name} has its window`);
        assert.equal(w.dataVersion, after.version, `${r.name}: as of the load`);
        assert.ok(Date.parse(w.clock) > latest + 3 * DAY, `${r.name}: its clock moved past the new acceptances`);
        if (clickhouse) continue; // filled, not moved: the reads below check it
        // A fill at the same clock, from the rows: the same groups, and the same changes still to close (summed per row's instant).
        const table = r.usable?.stored.table ?? '';
        const same = async (mine: string, theirs: string, params: readonly SqlValue[], what: string) => {
          for (const [a, b] of [[mine, theirs], [theirs, mine]] as const) {
            const [diff] = await s.query(`SELECT count(*) AS n FROM (SELECT * FROM (${a}) AS x EXCEPT ALL SELECT * FROM (${b}) AS y) AS d`, params);
            assert.equal(Number(diff?.['n']), 0, `${r.name}: ${what} (${a === mine ? 'moved' : 'filled'} has rows the other lacks)`);
          }
        };
        const t = w.template;
        // A load appends its groups to the window as rows of their own, which reads add up: its groups summed.
        const merge = r.usable?.stored.mergeColumns ?? [];
        const summed = (source: string) =>
          `SELECT ${merge.map((c) => (c.merge === 'key' ? `"${c.column}"` : `${c.merge}("${c.column}") AS "${c.column}"`)).join(', ')} FROM (${source}) AS g GROUP BY ${merge.flatMap((c) => (c.merge === 'key' ? [`"${c.column}"`] : [])).join(', ')}`;
        assert.ok(merge.length > 0, `${r.name} records how its columns merge`);
        await same(summed(`SELECT * FROM ${table}_open`), summed(t.sql), filled(t, w.clock, w.from), 'its periods');
        if (t.closing) {
          const keys = [...new Set([...Object.keys((await s.query(`SELECT * FROM ${table}_closing LIMIT 1`))[0] ?? {})])];
          const changed = new Set(Object.values(t.closing.measureColumns));
          const grouped = (source: string) => `SELECT ${keys.map((k) => (changed.has(k) ? `sum("${k}") AS "${k}"` : `"${k}"`)).join(', ')} FROM (${source}) AS c GROUP BY ${keys.filter((k) => !changed.has(k)).map((k) => `"${k}"`).join(', ')}`;
          await same(grouped(`SELECT * FROM ${table}_closing`), grouped(t.closing.sql), filled(t.closing, w.clock, w.from), 'its rows still to close');
        }
      }
      const clock = Math.max(...after.status.flatMap((x) => (x.usable?.open?.clock ? [Date.parse(x.usable.open.clock)] : [])));
      const { opened, closed } = await compare([clock, clock + 2 * DAY, clock + 20 * DAY, clock + 40 * DAY]);
      assert.ok(opened >= 3 * cases(clock, 0).length, `the open window answered ${opened} reads`);
      assert.ok(closed > 0);
    });

    test('a load refills it after its commit, as of the data it now holds; still the rows’ answer', async () => {
      // New offers in the open window (one accepted a day after the latest instant so far), stored
      // ones declined, accepted or moved within it.
      const { lines, col, offeredAt, outcome } = demoOffers();
      const { latest } = await windows();
      const recent = lines.slice(1).filter((l) => offeredAt(l) > END.getTime() - 25 * DAY);
      const changed = recent.flatMap((line, i) => {
        if (i % 9 !== 0) return [];
        const cells = line.split(',');
        if (i % 27 === 0) cells[col('offer_id')] = `late-${i}`;
        const declined = i % 2 === 0;
        cells[col('declined_at')] = declined ? outcome(line, latest + DAY) : '';
        cells[col('accepted_at')] = declined ? '' : outcome(line, latest + 2 * DAY);
        return [cells.join(',')];
      });
      assert.ok(changed.length > 20);
      const file = join(dir, 'offers-changed.csv');
      writeFileSync(file, `${[lines[0], ...changed].join('\n')}\n`);
      await cli(['ingest', file]);
      const after = await windows();
      const daily = after.status.find((s) => s.name === 'Offers.daily');
      assert.equal(daily?.state, 'fresh');
      assert.equal(daily?.usable?.open?.dataVersion, after.version, 'refilled as of the load');
      assert.ok(Date.parse(daily?.usable?.open?.clock ?? '') > latest + 2 * DAY, 'its clock moved past the new acceptances');
      const clock = Date.parse(daily?.usable?.open?.clock ?? '');
      const { opened } = await compare([clock + 60_000, clock + 6 * DAY, clock + 45 * DAY]);
      assert.ok(opened >= 2 * cases(clock, 0).length);
    });
  });
}
