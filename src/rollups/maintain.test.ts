/**
 * How an ingest keeps rollups: which refresh each load gets (merge its new rows, rebuild the
 * partitions it touches, rebuild the whole rollup), and that merging new rows leaves exactly what
 * a rebuild from the rows holds — checked against plain SQL over the offers, on DuckDB.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { generateDemo } from '../demo/index.js';
import { ingestFiles } from '../ingest/index.js';
import { loadModel, shippedModelDir, type Model } from '../model/index.js';
import { DuckDbStore } from '../store/index.js';
import type { Exec } from '../store/store.js';
import { buildRollups, recordMissingJoins } from './build.js';
import { modelRollups } from './definition.js';
import { MERGE_MAX_ROWS, planRefresh, rollupRefreshed, sharedInFamilies, type LoadedTable, type Refreshed } from './maintain.js';
import { inTransaction } from './transaction.js';

const dir = mkdtempSync(join(tmpdir(), 'uprate-maintain-'));
let store: DuckDbStore;
let model: Model;

before(async () => {
  store = await DuckDbStore.open(join(dir, 'maintain.duckdb'));
  await generateDemo(store, { rows: 6_000, seed: 7, end: new Date('2025-06-30T23:59:59Z') });
  model = await loadModel(shippedModelDir());
  // One plain rollup of each kind and the rollup by customer (the rollups of moments:
  // test/rollups-moments.test.ts): by the offers' own columns per day (daily), with a dimension read
  // at the end of time (timeToAccept), by customer attributes per month (segments, regions). The
  // model's other plain rollups are of these kinds (by customer attributes under a filter on one).
  const kinds = ['Offers.daily', 'Offers.timeToAccept', 'Offers.regions', 'Offers.segments', 'Offers.perCustomer'];
  const plain = modelRollups(model).filter((r) => !r.moments).map((r) => r.path);
  for (const name of kinds) assert.ok(plain.includes(name), `the shipped model declares ${name}`);
  await buildRollups(store, model, kinds);
});

after(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const OFFER_COLUMNS = ['offer_id', 'customer_id', 'offered_at', 'offer_type', 'offer_name', 'channel', 'campaign', 'accepted_at', 'declined_at', 'revenue'];

/** Plans a load of `rowsSql` into offers and throws the transaction away: the refresh each rollup would get. */
async function plannedKinds(load: Partial<LoadedTable> & { rowsSql: string }): Promise<Record<string, string>> {
  const kinds: Record<string, string> = {};
  const done = new Error('planned');
  await inTransaction(store, async (exec: Exec) => {
    const plan = await planRefresh(exec, 'duckdb', [{ table: 'offers', key: 'offer_id', replace: false, columns: OFFER_COLUMNS, rows: 3, ...load }]);
    for (const r of plan.rollups) kinds[r.stored.name] = r.refresh.kind;
    throw done;
  }).catch((e: unknown) => {
    if (e !== done) throw e;
  });
  return kinds;
}

const storedOffers = (ids: string) => `SELECT ${ids} AS offer_id, ${OFFER_COLUMNS.slice(1).join(', ')} FROM offers ORDER BY offer_id LIMIT 3`;
/** The first `n` stored offers with their revenue changed. */
const changedOffers = (n: number) => `SELECT ${OFFER_COLUMNS.map((c) => (c === 'revenue' ? 'coalesce(revenue, 0) + 1 AS revenue' : c)).join(', ')} FROM offers ORDER BY offer_id LIMIT ${n}`;

describe('which refresh a load gets', () => {
  test('new offers only: merged into every rollup', async () => {
    assert.deepEqual(await plannedKinds({ rowsSql: storedOffers("'new-' || offer_id") }), { 'Offers.daily': 'append', 'Offers.timeToAccept': 'append', 'Offers.regions': 'append', 'Offers.segments': 'append', 'Offers.perCustomer': 'months' });
  });

  test("new offers merged into a rollup by customer attributes, or added to the rollup by customer, read their own customers' rows, copied once for every such rollup", async () => {
    const done = new Error('planned');
    let seen: { joins: string[]; copied: number; customers: number } | undefined;
    await inTransaction(store, async (exec: Exec) => {
      const plan = await planRefresh(exec, 'duckdb', [{ table: 'offers', key: 'offer_id', replace: false, columns: OFFER_COLUMNS, rows: 3, rowsSql: storedOffers("'new-' || offer_id") }]);
      const appended = plan.rollups.flatMap((r) => (r.refresh.kind === 'append' && ['Offers.regions', 'Offers.segments'].includes(r.stored.name) ? [r.refresh.newRowsSql] : []));
      assert.equal(appended.length, 2);
      // The rollup by customer adds the new rows' sums joined to the same copy.
      const perCustomer = plan.rollups.find((r) => r.stored.name === 'Offers.perCustomer')?.refresh;
      assert.ok(perCustomer?.kind === 'months' && perCustomer.newRows, 'the rollup by customer adds the new rows');
      appended.push(perCustomer.newRows.sql);
      const joins = appended.map((sql) => /JOIN (\S+) AS "customers"/.exec(sql)?.[1] ?? 'none');
      const [copy] = joins;
      const [counts] = await exec(`SELECT (SELECT count(*) FROM ${copy}) AS copied, (SELECT count(DISTINCT customer_id) FROM (${storedOffers("'new-' || offer_id")}) AS loaded) AS customers`);
      seen = { joins, copied: Number(counts?.['copied']), customers: Number(counts?.['customers']) };
      throw done;
    }).catch((e: unknown) => {
      if (e !== done) throw e;
    });
    assert.ok(seen);
    // All three read the one copy (not the customers table), which holds the loaded offers' customers and no other.
    assert.notEqual(seen.joins[0], 'customers');
    assert.equal(new Set(seen.joins).size, 1, seen.joins.join(', '));
    assert.ok(seen.customers > 0);
    assert.equal(seen.copied, seen.customers);
  });

  test('a plain rollup recorded without its joins (built by an older uprate) joins the whole table until uprate serve records them from the model', async () => {
    /** The table each appended statement of the two rollups by customer attributes joins as the customers. */
    const joined = async (): Promise<Record<string, string>> => {
      const done = new Error('planned');
      const out: Record<string, string> = {};
      await inTransaction(store, async (exec: Exec) => {
        const plan = await planRefresh(exec, 'duckdb', [{ table: 'offers', key: 'offer_id', replace: false, columns: OFFER_COLUMNS, rows: 3, rowsSql: storedOffers("'new-' || offer_id") }]);
        for (const r of plan.rollups) if (r.refresh.kind === 'append' && ['Offers.regions', 'Offers.segments'].includes(r.stored.name)) out[r.stored.name] = /JOIN (\S+) AS "customers"/.exec(r.refresh.newRowsSql)?.[1] ?? 'none';
        throw done;
      }).catch((e: unknown) => {
        if (e !== done) throw e;
      });
      return out;
    };
    const recorded = await store.query("SELECT name, time_source, definition_hash FROM uprate_rollups WHERE name IN ('Offers.regions', 'Offers.segments') ORDER BY name");
    assert.equal(recorded.length, 2);
    for (const r of recorded) {
      const source = JSON.parse(String(r['time_source'])) as { table: string; column: string; joins?: unknown[] };
      assert.ok(source.joins?.length, `${String(r['name'])} records its joins when built`);
      await store.run('UPDATE uprate_rollups SET time_source = $1 WHERE name = $2', [JSON.stringify({ table: source.table, column: source.column }), String(r['name'])]);
    }
    // Built from another definition: left as it is (a build records it).
    await store.run("UPDATE uprate_rollups SET definition_hash = 'another' WHERE name = 'Offers.regions'");
    try {
      assert.deepEqual(await joined(), { 'Offers.regions': 'customers', 'Offers.segments': 'customers' });
      assert.deepEqual(await recordMissingJoins(store, model), ['Offers.segments']);
      const after = await joined();
      assert.equal(after['Offers.regions'], 'customers');
      assert.match(after['Offers.segments'] ?? '', /^uprate_load_joined_/);
      assert.deepEqual(await recordMissingJoins(store, model), [], 'nothing left to record');
    } finally {
      await buildRollups(store, model, ['Offers.regions', 'Offers.segments']);
    }
  });

  test('offers that replace stored ones: their partitions are rebuilt', async () => {
    assert.deepEqual(await plannedKinds({ rowsSql: changedOffers(3) }), { 'Offers.daily': 'partitions', 'Offers.timeToAccept': 'partitions', 'Offers.regions': 'partitions', 'Offers.segments': 'partitions', 'Offers.perCustomer': 'months' });
    // One changed stored row among new ones is enough.
    const mixed = `SELECT * FROM (${storedOffers("'new-' || offer_id")}) UNION ALL SELECT * FROM (${changedOffers(1)})`;
    assert.deepEqual(await plannedKinds({ rowsSql: mixed }), { 'Offers.daily': 'partitions', 'Offers.timeToAccept': 'partitions', 'Offers.regions': 'partitions', 'Offers.segments': 'partitions', 'Offers.perCustomer': 'months' });
  });

  test('rows stored with the same values change no rollup: alone they plan nothing, beside new ones only those are merged', async () => {
    const none = { 'Offers.daily': 'none', 'Offers.timeToAccept': 'none', 'Offers.regions': 'none', 'Offers.segments': 'none', 'Offers.perCustomer': 'none' };
    assert.deepEqual(await plannedKinds({ rowsSql: storedOffers('offer_id') }), none);
    // NULL equals NULL (the stored rows have no revenue or decline, as the load compares them).
    const nulls = await store.query(`SELECT count(*) FILTER (WHERE revenue IS NULL) AS r, count(*) FILTER (WHERE declined_at IS NULL) AS d FROM (${storedOffers('offer_id')})`);
    assert.ok(Number(nulls[0]?.['r']) + Number(nulls[0]?.['d']) > 0, 'the stored rows compared hold NULLs');
    const mixed = `SELECT * FROM (${storedOffers("'new-' || offer_id")}) UNION ALL SELECT * FROM (${storedOffers('offer_id')})`;
    assert.deepEqual(await plannedKinds({ rowsSql: mixed, rows: 6 }), { 'Offers.daily': 'append', 'Offers.timeToAccept': 'append', 'Offers.regions': 'append', 'Offers.segments': 'append', 'Offers.perCustomer': 'months' });
  });

  test('a load too big to keep in memory, or without its columns, rebuilds partitions', async () => {
    assert.deepEqual(await plannedKinds({ rowsSql: storedOffers("'new-' || offer_id"), rows: MERGE_MAX_ROWS + 1 }), { 'Offers.daily': 'partitions', 'Offers.timeToAccept': 'partitions', 'Offers.regions': 'partitions', 'Offers.segments': 'partitions', 'Offers.perCustomer': 'months' });
    assert.equal((await plannedKinds({ rowsSql: storedOffers("'new-' || offer_id"), columns: undefined }))['Offers.daily'], 'partitions');
  });

  test('a replacing load and a load of customers rebuild whole', async () => {
    assert.deepEqual(await plannedKinds({ rowsSql: storedOffers("'new-' || offer_id"), replace: true }), { 'Offers.daily': 'all', 'Offers.timeToAccept': 'all', 'Offers.regions': 'all', 'Offers.segments': 'all', 'Offers.perCustomer': 'all' });
    const kinds: Record<string, string> = {};
    const done = new Error('planned');
    await inTransaction(store, async (exec) => {
      const plan = await planRefresh(exec, 'duckdb', [{ table: 'customers', key: 'customer_id', replace: false, rowsSql: 'SELECT * FROM customers LIMIT 2', rows: 2 }]);
      for (const r of plan.rollups) kinds[r.stored.name] = r.refresh.kind;
      throw done;
    }).catch((e: unknown) => {
      if (e !== done) throw e;
    });
    assert.deepEqual(kinds, { 'Offers.daily': 'none', 'Offers.timeToAccept': 'none', 'Offers.regions': 'all', 'Offers.segments': 'all', 'Offers.perCustomer': 'attributes' });
  });

  test('a rollup recorded without merge columns (built by an older uprate) rebuilds partitions until built again', async () => {
    await store.run("UPDATE uprate_rollups SET merge_columns = NULL WHERE name = 'Offers.daily'");
    try {
      assert.deepEqual(await plannedKinds({ rowsSql: storedOffers("'new-' || offer_id") }), { 'Offers.daily': 'partitions', 'Offers.timeToAccept': 'append', 'Offers.regions': 'append', 'Offers.segments': 'append', 'Offers.perCustomer': 'months' });
    } finally {
      await buildRollups(store, model, ['Offers.daily']);
    }
  });
});

/**
 * The daily rollup as plain SQL over the offers (the shipped model's definitions: accepted within
 * the 30-day window; pending is 0 at the rollup's far-future clock; revenue of accepted offers).
 */
const DAILY_FROM_ROWS = `SELECT date_trunc('day', offered_at) AS d, offer_type, channel, offer_name, campaign,
    count(*) AS n,
    count(*) FILTER (WHERE accepted_at IS NOT NULL AND accepted_at <= offered_at + INTERVAL 30 DAY) AS accepted,
    sum(revenue) FILTER (WHERE accepted_at IS NOT NULL AND accepted_at <= offered_at + INTERVAL 30 DAY) AS revenue
  FROM offers GROUP BY ALL`;
/** The daily rollup's groups: a load appends its new rows' groups as rows of their own, which reads add up. */
const DAILY_FROM_ROLLUP = `SELECT offers__offered_at_day AS d, offers__offer_type, offers__channel, offers__offer_name, offers__campaign,
    sum(offers__count) AS n, sum(offers__accepted) AS accepted, sum(offers__expansion_revenue) AS revenue FROM uprate_rollup_offers_daily GROUP BY ALL`;
/** The segments rollup's counts by month and account size, from the offers joined to their customers. */
const SEGMENTS_FROM_ROWS = `SELECT date_trunc('month', o.offered_at) AS m, c.account_size, c.industry, count(*) AS n,
    count(*) FILTER (WHERE o.accepted_at IS NOT NULL AND o.accepted_at <= o.offered_at + INTERVAL 30 DAY) AS accepted,
    sum(o.revenue) FILTER (WHERE o.accepted_at IS NOT NULL AND o.accepted_at <= o.offered_at + INTERVAL 30 DAY) AS revenue
  FROM offers o LEFT JOIN customers c USING (customer_id) GROUP BY ALL`;
const SEGMENTS_FROM_ROLLUP = `SELECT offers__offered_at_month AS m, customers__account_size, customers__industry, sum(offers__count) AS n,
    sum(offers__accepted) AS accepted, sum(offers__expansion_revenue) AS revenue FROM uprate_rollup_offers_segments GROUP BY ALL`;

/** Rows of one statement missing from the other, both ways (EXCEPT ALL: duplicates count). */
async function difference(a: string, b: string): Promise<unknown[]> {
  return store.query(`(${a} EXCEPT ALL ${b}) UNION ALL (${b} EXCEPT ALL ${a})`);
}

/** A timestamp as the store answers it (a Date, or text in UTC), as ISO text. */
const instant = (v: unknown) => (v instanceof Date ? v : new Date(`${String(v).replace(' ', 'T')}Z`)).toISOString();

describe('merging new offers into the rollups', () => {
  test('new groups, groups with NULLs and new months end up as a rebuild from the rows would', async () => {
    const [customer] = await store.query('SELECT customer_id FROM customers ORDER BY customer_id LIMIT 1');
    const id = String(customer?.['customer_id']);
    const header = OFFER_COLUMNS.join(',');
    const lines = [
      // An existing group (a day and dimensions the rollup holds) gains offers.
      ...(await store.query(`SELECT offered_at, offer_type, offer_name, channel, campaign, customer_id FROM offers ORDER BY offer_id LIMIT 4`)).map(
        (r, i) => `merge-${i},${String(r['customer_id'])},${instant(r['offered_at'])},${String(r['offer_type'])},${String(r['offer_name'])},${String(r['channel'] ?? '')},${String(r['campaign'] ?? '')},,,`,
      ),
      // A campaign never seen: a new group; accepted with revenue, accepted without, too late for the window.
      `merge-n1,${id},2025-03-04T10:00:00Z,upsell,Premium plan,email,brand-new-campaign,2025-03-05T10:00:00Z,,120.50`,
      `merge-n2,${id},2025-03-04T11:00:00Z,upsell,Premium plan,email,brand-new-campaign,2025-03-06T10:00:00Z,,`,
      `merge-n3,${id},2025-03-04T12:00:00Z,upsell,Premium plan,email,brand-new-campaign,2025-04-20T10:00:00Z,,99.00`,
      // No channel and no campaign (NULL keys), declined.
      `merge-n4,${id},2025-05-31T23:59:59Z,cross_sell,Premium plan,,,,2025-06-02T00:00:00Z,`,
      // A month before any offer the store holds: a partition the rollups do not have yet.
      `merge-n5,${id},2022-01-15T08:00:00Z,upsell,Premium plan,sales,,2022-01-16T08:00:00Z,,10.25`,
    ];
    const file = join(dir, 'new-offers.csv');
    writeFileSync(file, `${header}\n${lines.join('\n')}\n`);
    const before = Number((await store.query('SELECT count(*) AS n FROM uprate_rollup_offers_daily'))[0]?.['n']);
    const summary = await ingestFiles(store, { table: 'offers', files: [file] });
    assert.deepEqual(await store.query("SELECT count(*)::INTEGER AS n FROM offers WHERE offer_id LIKE 'merge-%'"), [{ n: 9 }]);
    // The summary says what the load spent on the rollups: the five, within the load's own time.
    assert.equal(summary.rollups?.kept, 5);
    assert.ok((summary.rollups?.seconds ?? 0) > 0 && (summary.rollups?.seconds ?? 0) < summary.seconds, JSON.stringify(summary));
    // Not vacuous: the plain SQL reads the new rows, and the rollup grew by the new groups only.
    assert.deepEqual(await store.query(`SELECT n::INTEGER AS n, accepted::INTEGER AS accepted, revenue::DOUBLE AS revenue FROM (${DAILY_FROM_ROWS}) WHERE campaign = 'brand-new-campaign'`), [{ n: 3, accepted: 2, revenue: 120.5 }]);
    const grown = Number((await store.query('SELECT count(*) AS n FROM uprate_rollup_offers_daily'))[0]?.['n']) - before;
    assert.ok(grown >= 3 && grown <= 3 + 4, `the daily rollup grew by ${grown} groups`);
    assert.deepEqual(await difference(DAILY_FROM_ROWS, DAILY_FROM_ROLLUP), []);
    assert.deepEqual(await difference(SEGMENTS_FROM_ROWS, SEGMENTS_FROM_ROLLUP), []);
    // Still read: recorded at the new load's version.
    const [row] = await store.query("SELECT data_version = (SELECT max(load_id) FROM uprate_loads) AS current, row_count = (SELECT count(*) FROM uprate_rollup_offers_daily) AS counted FROM uprate_rollups WHERE name = 'Offers.daily'");
    assert.deepEqual(row, { current: true, counted: true });
    // The load's rows and groups were kept in temporary tables only while it ran.
    assert.deepEqual(await store.query("SELECT table_name FROM duckdb_tables() WHERE temporary AND table_name LIKE 'uprate_%'"), []);
  });

  test('the same file again (its offers now stored with the same values) keeps no rollup, changes nothing and leaves every rollup fresh', async () => {
    await store.run(`CREATE TABLE daily_before AS ${DAILY_FROM_ROLLUP}`);
    const kinds: string[] = [];
    const watch = (m: unknown) => kinds.push((m as { how: string }).how);
    rollupRefreshed.subscribe(watch);
    const openWindow = async () => JSON.parse(String((await store.query("SELECT open_window FROM uprate_rollups WHERE name = 'Offers.daily'"))[0]?.['open_window'])) as { clock: string; dataVersion: number };
    const windowBefore = await openWindow();
    let summary;
    try {
      summary = await ingestFiles(store, { table: 'offers', files: [join(dir, 'new-offers.csv')] });
    } finally {
      rollupRefreshed.unsubscribe(watch);
    }
    assert.equal(summary.unchanged, 9);
    assert.equal(summary.rollups, undefined, 'no rollup kept');
    assert.deepEqual([...new Set(kinds)], ['none']);
    assert.deepEqual(await store.query('SELECT count(*)::INTEGER AS n FROM uprate_rollups WHERE data_version <> (SELECT max(load_id) FROM uprate_loads)'), [{ n: 0 }]);
    // Its open window carried to the new version as it was (a fill after the commit would take a new clock).
    const windowAfter = await openWindow();
    assert.equal(windowAfter.clock, windowBefore.clock);
    assert.equal(windowAfter.dataVersion, Number((await store.query('SELECT max(load_id) AS v FROM uprate_loads'))[0]?.['v']));
    assert.deepEqual(await difference(DAILY_FROM_ROLLUP, 'SELECT * FROM daily_before'), []);
    assert.deepEqual(await difference(DAILY_FROM_ROWS, DAILY_FROM_ROLLUP), []);
    await store.run('DROP TABLE daily_before');
  });

  test('a rollup stale before a load (a rebuild after an earlier commit failed) stays stale: only a build brings it back', async () => {
    const versions = async () => Object.fromEntries((await store.query('SELECT name, data_version = (SELECT max(load_id) FROM uprate_loads) AS current FROM uprate_rollups')).map((r) => [String(r['name']), r['current']]));
    // As if the load before had not reached it.
    await store.run("UPDATE uprate_rollups SET data_version = data_version - 1 WHERE name = 'Offers.segments'");
    const [customer] = await store.query('SELECT customer_id FROM customers ORDER BY customer_id LIMIT 1');
    const file = join(dir, 'after-stale.csv');
    writeFileSync(file, `${OFFER_COLUMNS.join(',')}\nstale-1,${String(customer?.['customer_id'])},2025-06-20T10:00:00Z,upsell,Premium plan,email,,,,\n`);
    const summary = await ingestFiles(store, { table: 'offers', files: [file] });
    assert.equal(summary.rollups?.kept, 4, 'the four current rollups kept, not the stale one');
    const current = await versions();
    assert.equal(current['Offers.segments'], false, 'still stale: never read');
    assert.equal(current['Offers.daily'], true);
    await buildRollups(store, model, ['Offers.segments']);
    assert.equal((await versions())['Offers.segments'], true);
    assert.deepEqual(await difference(SEGMENTS_FROM_ROWS, SEGMENTS_FROM_ROLLUP), []);
  });

  test("appended groups are merged into one row each once the table outgrows its rows when last merged; the registry records both counts", async () => {
    const registry = async () => (await store.query("SELECT row_count::INTEGER AS n, compact_rows::INTEGER AS compact FROM uprate_rollups WHERE name = 'Offers.daily'"))[0];
    const rows = async () => Number((await store.query('SELECT count(*) AS n FROM uprate_rollup_offers_daily'))[0]?.['n']);
    const groups = async () => Number((await store.query(`SELECT count(*) AS n FROM (${DAILY_FROM_ROLLUP})`))[0]?.['n']);
    const [customer] = await store.query('SELECT customer_id FROM customers ORDER BY customer_id LIMIT 1');
    // Offers on an existing day and dimensions: a group that now has a row of its own beside the stored one.
    const [stored] = await store.query(`SELECT offered_at, offer_type, offer_name, channel, campaign FROM offers WHERE channel IS NOT NULL AND campaign IS NOT NULL ORDER BY offer_id LIMIT 1`);
    assert.ok(stored && customer);
    const load = async (name: string) => {
      const file = join(dir, `${name}.csv`);
      writeFileSync(file, `${OFFER_COLUMNS.join(',')}\n${name},${String(customer['customer_id'])},${instant(stored['offered_at'])},${String(stored['offer_type'])},${String(stored['offer_name'])},${String(stored['channel'])},${String(stored['campaign'])},,,\n`);
      await ingestFiles(store, { table: 'offers', files: [file] });
    };
    const before = await rows();
    await load('grow-1');
    assert.equal(await rows(), before + 1, 'the new group appended as a row of its own');
    assert.ok((await groups()) < (await rows()), 'a group has two rows now');
    assert.deepEqual(await difference(DAILY_FROM_ROWS, DAILY_FROM_ROLLUP), []);
    const grown = await registry();
    assert.equal(grown?.['n'], before + 1);
    // As if it had been merged at a tenth of its rows and had grown past the slack since: the next load merges every group.
    await store.run("UPDATE uprate_rollups SET compact_rows = 10, row_count = 20000 WHERE name = 'Offers.daily'");
    await load('grow-2');
    const merged = await rows();
    assert.equal(merged, await groups(), 'one row a group');
    assert.deepEqual(await registry(), { n: merged, compact: merged });
    assert.deepEqual(await difference(DAILY_FROM_ROWS, DAILY_FROM_ROLLUP), []);
  });

  test("the open window takes a load's groups the same way: appended, then merged once it outgrows its rows when last merged", async () => {
    const window = async () => JSON.parse(String((await store.query("SELECT open_window FROM uprate_rollups WHERE name = 'Offers.daily'"))[0]?.['open_window'])) as { rows: number; compactRows?: number; from: string };
    const rows = async () => Number((await store.query('SELECT count(*) AS n FROM uprate_rollup_offers_daily_open'))[0]?.['n']);
    const groupsSql = `SELECT offers__offered_at_day, offers__offer_type, offers__channel, offers__offer_name, offers__campaign, sum(offers__count) AS n, sum(offers__accepted) AS a
      FROM uprate_rollup_offers_daily_open GROUP BY ALL`;
    const groups = async () => Number((await store.query(`SELECT count(*) AS n FROM (${groupsSql})`))[0]?.['n']);
    const open = await window();
    assert.ok(open.from, 'the daily rollup keeps an open window');
    const [customer] = await store.query('SELECT customer_id FROM customers ORDER BY customer_id LIMIT 1');
    const [like] = await store.query(`SELECT offer_type, offer_name, channel, campaign FROM offers WHERE channel IS NOT NULL AND campaign IS NOT NULL ORDER BY offer_id LIMIT 1`);
    assert.ok(customer && like);
    // Two days ago, pending: inside the window whatever the clock.
    const at = new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000 - 2 * 86_400_000).toISOString();
    const load = async (name: string) => {
      const file = join(dir, `${name}.csv`);
      writeFileSync(file, `${OFFER_COLUMNS.join(',')}\n${name},${String(customer['customer_id'])},${at},${String(like['offer_type'])},${String(like['offer_name'])},${String(like['channel'])},${String(like['campaign'])},,,\n`);
      await ingestFiles(store, { table: 'offers', files: [file] });
    };
    await load('window-0');
    const [before] = await store.query(`SELECT sum(n)::INTEGER AS n FROM (${groupsSql})`);
    const first = await window();
    await load('window-1');
    const appended = await window();
    assert.ok((await rows()) > (await groups()), 'a group of the window has two rows now');
    assert.equal(appended.rows, await rows());
    assert.equal(appended.compactRows, first.compactRows ?? first.rows);
    assert.deepEqual(await store.query(`SELECT sum(n)::INTEGER AS n FROM (${groupsSql})`), [{ n: Number(before?.['n']) + 1 }]);
    // As if merged at 10 rows and grown past the slack since: the next load merges every group of the window.
    await store.run(`UPDATE uprate_rollups SET open_window = $1 WHERE name = 'Offers.daily'`, [JSON.stringify({ ...appended, rows: 20_000, compactRows: 10 })]);
    await load('window-2');
    const merged = await window();
    assert.equal(await rows(), await groups(), 'one row a group');
    assert.equal(merged.rows, await rows());
    assert.equal(merged.compactRows, undefined, 'as filled: compact');
    assert.deepEqual(await store.query(`SELECT sum(n)::INTEGER AS n FROM (${groupsSql})`), [{ n: Number(before?.['n']) + 2 }]);
  });
});

/** Each rollup's recorded time of the last load that maintained it (null: none since its build). */
async function refreshTimes(): Promise<Record<string, number | null>> {
  const rows = await store.query('SELECT name, refresh_seconds FROM uprate_rollups ORDER BY name');
  return Object.fromEntries(rows.map((r) => [String(r['name']), r['refresh_seconds'] === null ? null : Number(r['refresh_seconds'])]));
}

describe('what a load spent on each rollup (uprate rollups status: last load)', () => {
  test("a family's members share its time equally; other rollups keep their own", () => {
    const row = (name: string, seconds: number, family: string | null): Refreshed => ({ name, table: name, layout: null, open: null, rows: null, seconds, family });
    // The first member of family f paid 0.9 s (the change it formed for all three), the others 0.05 s each: 1.0 s in all, a third each.
    const shared = sharedInFamilies([row('a', 0.9, 'f'), row('plain', 0.2, null), row('b', 0.05, 'f'), row('c', 0.05, 'f'), row('d', 0.4, 'g')]);
    assert.deepEqual(
      shared.map((r) => [r.name, Math.round(r.seconds * 1e6) / 1e6]),
      [['a', 0.333333], ['plain', 0.2], ['b', 0.333333], ['c', 0.333333], ['d', 0.4]],
    );
  });

  test('recorded by each load for the rollups it maintained, cleared by a build, kept by a load that does not touch a rollup', async () => {
    const file = join(dir, 'timed-offers.csv');
    const [customer] = await store.query('SELECT customer_id FROM customers ORDER BY customer_id LIMIT 1');
    writeFileSync(file, `${OFFER_COLUMNS.join(',')}\ntimed-1,${String(customer?.['customer_id'])},2025-06-10T10:00:00Z,upsell,Premium plan,email,,2025-06-11T10:00:00Z,,15.00\n`);
    await ingestFiles(store, { table: 'offers', files: [file] });
    const afterOffers = await refreshTimes();
    for (const name of ['Offers.daily', 'Offers.timeToAccept', 'Offers.regions', 'Offers.segments', 'Offers.perCustomer']) {
      const seconds = afterOffers[name];
      assert.ok(typeof seconds === 'number' && seconds > 0 && seconds < 600, `${name}: ${String(seconds)}`);
    }
    await buildRollups(store, model, ['Offers.daily']);
    assert.equal((await refreshTimes())['Offers.daily'], null);
    // A load of customers: the rollups by their attributes are refreshed (timed again); daily does not read customers.
    const customers = join(dir, 'timed-customers.csv');
    const [c] = await store.query('SELECT * FROM customers ORDER BY customer_id LIMIT 1');
    assert.ok(c);
    const columns = Object.keys(c);
    writeFileSync(customers, `${columns.join(',')}\n${columns.map((k) => (c[k] === null ? '' : c[k] instanceof Date ? (c[k] as Date).toISOString() : String(c[k]))).join(',')}\n`);
    await ingestFiles(store, { table: 'customers', files: [customers] });
    const afterCustomers = await refreshTimes();
    assert.equal(afterCustomers['Offers.daily'], null);
    assert.equal(afterCustomers['Offers.timeToAccept'], afterOffers['Offers.timeToAccept']);
    assert.ok((afterCustomers['Offers.segments'] ?? 0) > 0);
  });

  test('a registry from before the column gains it at the next load (DuckDB), which records its time', async () => {
    await store.run('ALTER TABLE uprate_rollups DROP COLUMN refresh_seconds');
    const file = join(dir, 'timed-again.csv');
    const [customer] = await store.query('SELECT customer_id FROM customers ORDER BY customer_id DESC LIMIT 1');
    writeFileSync(file, `${OFFER_COLUMNS.join(',')}\ntimed-2,${String(customer?.['customer_id'])},2025-06-12T10:00:00Z,cross_sell,Premium plan,sales,,,,\n`);
    await ingestFiles(store, { table: 'offers', files: [file] });
    const times = await refreshTimes();
    assert.ok((times['Offers.daily'] ?? 0) > 0, JSON.stringify(times));
  });
});
