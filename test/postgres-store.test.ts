/**
 * uprate on a real PostgreSQL (scripts/services/postgres.sh): ingest through COPY with the same
 * rules, idempotency and all-or-nothing semantics as DuckDB, the load log and data version,
 * read-only opens, timeouts and errors that name the server without its password, concurrent
 * migrations, and the CLI on --url. Each run works in a schema of its own. Expected values are
 * worked out by hand from the small files written here.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ingestFiles } from '../src/ingest/index.js';
import { buildApp } from '../src/server/index.js';
import { PostgresStore } from '../src/store/index.js';
import { uprate } from './cli-helpers.js';
import { locateServer, skipUnlessReady } from './engines.js';
import { rejects } from './store-assertions.js';

const SCHEMA = `uprate_pgtest_${process.pid}`;
const slot = await locateServer('postgres', SCHEMA);
const skip = skipUnlessReady(slot);
if (skip) console.log(`# postgres-store: skipping: ${skip}`);
const url = slot.ready?.where ?? '';
/** Another schema of the same server, for tests that need a fresh one. */
const schemaUrl = (name: string) => {
  const u = new URL(url);
  u.searchParams.set('schema', `${SCHEMA}_${name}`);
  return u.toString();
};

const HEADER = 'offer_id,customer_id,offered_at,offer_type,offer_name,channel,campaign,accepted_at,declined_at,revenue';
const GOOD = [
  'o1,c1,2025-01-01T10:00:00Z,upsell,Premium,in_app,,2025-01-02T10:00:00Z,,120.50',
  'o2,c1,2025-01-03,cross_sell,Seats,email,spring,,2025-01-04,',
  'o3,c2,2025-01-05T00:30:00+02:00,upsell,Premium,sales,,,,',
];

let dir: string;
let store: PostgresStore;

function file(name: string, lines: readonly string[]): string {
  const path = join(dir, name);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

async function count(table = 'offers'): Promise<number> {
  const [row] = await store.query<{ n: bigint }>(`SELECT count(*) AS n FROM ${table}`);
  return Number(row?.n);
}

before(async () => {
  if (skip) return;
  dir = mkdtempSync(join(tmpdir(), 'uprate-pg-test-'));
  store = await PostgresStore.open(url);
});

after(async () => {
  if (skip) return;
  for (const extra of ['', '_fresh', '_race', '_made', '_half', '_cli', '_stats']) await store.run(`DROP SCHEMA IF EXISTS ${SCHEMA}${extra} CASCADE`);
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('PostgreSQL store', { skip }, () => {
  test('ingest loads typed rows through COPY; offsets are honoured, decimals kept', async () => {
    const summary = await ingestFiles(store, { table: 'offers', files: [file('offers.csv', [HEADER, ...GOOD])] });
    assert.deepEqual([summary.rowsRead, summary.inserted, summary.updated, summary.rejected], [3, 3, 0, 0]);
    const rows = await store.query<{ offer_id: string; offered_at: Date; accepted_at: Date | null; declined_at: Date | null; revenue: number | null; campaign: string | null }>(
      'SELECT offer_id, offered_at, accepted_at, declined_at, revenue, campaign FROM offers ORDER BY offer_id',
    );
    assert.deepEqual(
      rows.map((r) => [r.offer_id, r.offered_at.toISOString(), r.accepted_at?.toISOString() ?? null, r.declined_at?.toISOString() ?? null, r.revenue, r.campaign]),
      [
        ['o1', '2025-01-01T10:00:00.000Z', '2025-01-02T10:00:00.000Z', null, 120.5, null],
        ['o2', '2025-01-03T00:00:00.000Z', null, '2025-01-04T00:00:00.000Z', null, 'spring'],
        // 00:30 at +02:00 is 22:30 UTC the day before.
        ['o3', '2025-01-04T22:30:00.000Z', null, null, null, null],
      ],
    );
  });

  test('text survives the trip through COPY: commas, quotes, new lines, backslashes, \\N, accents', async () => {
    const names = ['Seats, extra', 'The "Pro" plan', 'line one\nline two', 'C:\\path\\N', '\\N', 'Überfluß ✓'];
    const csv = [HEADER, ...names.map((n, i) => `t${i},c1,2025-01-01T10:00:00.123456Z,upsell,"${n.replaceAll('"', '""')}",,,,,`)];
    await ingestFiles(store, { table: 'offers', files: [file('text.csv', csv)] });
    const rows = await store.query<{ offer_name: string; offered_at: Date }>(`SELECT offer_name, offered_at FROM offers WHERE offer_id LIKE 't%' ORDER BY offer_id`);
    assert.deepEqual(rows.map((r) => r.offer_name), names);
    const [micro] = await store.query<{ us: number }>(`SELECT extract(microseconds FROM offered_at)::int AS us FROM offers WHERE offer_id = 't0'`);
    assert.equal(micro?.us, 123456); // seconds × 10⁶ + fraction: 0 s and .123456
    await store.run(`DELETE FROM offers WHERE offer_id LIKE 't%'`);
  });

  test('loading the same file again changes nothing and says so; the data version moves', async () => {
    const before = await store.dataVersion();
    const again = await ingestFiles(store, { table: 'offers', files: [join(dir, 'offers.csv')] });
    assert.deepEqual([again.inserted, again.updated, again.unchanged], [0, 0, 3]);
    assert.equal(await count(), 3);
    assert.ok((await store.dataVersion()) > before);
    const [log] = await store.query<{ n: bigint }>(`SELECT count(*) AS n FROM uprate_loads WHERE source LIKE '%/offers.csv'`);
    assert.equal(Number(log?.n), 2);
  });

  test('within one load the last occurrence of a key wins; a stored key is updated', async () => {
    const s = await ingestFiles(store, {
      table: 'offers',
      files: [file('repeat.csv', [HEADER, 'o4,c3,2025-02-01,upsell,First,,,,,', 'o1,c1,2025-01-01T10:00:00Z,upsell,Renamed,in_app,,,,', 'o4,c3,2025-02-01,upsell,Second,,,,,'])],
    });
    assert.deepEqual([s.rowsRead, s.inserted, s.updated], [3, 1, 1]);
    const rows = await store.query<{ offer_id: string; offer_name: string; accepted_at: Date | null }>(`SELECT offer_id, offer_name, accepted_at FROM offers WHERE offer_id IN ('o1', 'o4') ORDER BY offer_id`);
    assert.deepEqual(rows.map((r) => [r.offer_id, r.offer_name, r.accepted_at]), [['o1', 'Renamed', null], ['o4', 'Second', null]]);
  });

  test("a load that changes a tenth of a table or more leaves it analyzed (the planner's row count is the table's); a smaller one does not", async () => {
    const fresh = await PostgresStore.open(schemaUrl('stats'));
    const offers = (from: number, n: number) => Array.from({ length: n }, (_, i) => `s${from + i},c${(from + i) % 97},2025-03-01T10:00:00Z,upsell,Premium,email,,,,`);
    const plannerRows = async () => {
      const [row] = await fresh.query<{ n: number }>(`SELECT reltuples AS n FROM pg_class WHERE oid = to_regclass('${SCHEMA}_stats.offers')`);
      return Number(row?.n);
    };
    try {
      await ingestFiles(fresh, { table: 'offers', files: [file('stats-1.csv', [HEADER, ...offers(0, 1000)])] });
      // ANALYZE reads every row of a table this small: the count is exact.
      assert.equal(await plannerRows(), 1000);
      await ingestFiles(fresh, { table: 'offers', files: [file('stats-2.csv', [HEADER, ...offers(1000, 60)])] });
      assert.equal(await plannerRows(), 1000, '60 new rows are 6 % of 1,000: left to autovacuum');
      await ingestFiles(fresh, { table: 'offers', files: [file('stats-3.csv', [HEADER, ...offers(1060, 110)])] });
      assert.equal(await plannerRows(), 1170, '110 new rows are 11 % of 1,000');
    } finally {
      await fresh.close();
    }
  });

  test('one bad row loads nothing and names file:line, field and rule', async () => {
    const bad = file('bad.csv', [HEADER, 'o5,c1,2025-03-01,upsell,X,,,,,', 'o6,c1,2025-03-02,upgrade,X,,,,,']);
    const versionBefore = await store.dataVersion();
    const e = await rejects(ingestFiles(store, { table: 'offers', files: [bad] }), 'INVALID_ROWS', /bad\.csv:3 {2}offer_type="upgrade" {2}must be one of upsell, cross_sell/);
    assert.match(e.message, /nothing was loaded/);
    assert.equal(await count(), 4);
    assert.equal(await store.dataVersion(), versionBefore);
  });

  test('--reject-file loads the good rows and writes the bad ones with their reasons', async () => {
    const rejectFile = join(dir, 'rejects.csv');
    const s = await ingestFiles(store, { table: 'offers', files: [join(dir, 'bad.csv')], rejectFile });
    assert.deepEqual([s.inserted, s.rejected], [1, 1]);
    const text = readFileSync(rejectFile, 'utf8');
    assert.match(text, /bad\.csv,3,o6,.*offer_type must be one of upsell, cross_sell/);
    assert.equal(await count(), 5);
  });

  test('a failure inside the server rolls the whole load back', async () => {
    await store.run(`CREATE FUNCTION ${SCHEMA}.refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
      IF NEW.offer_id = 'boom' THEN RAISE EXCEPTION 'refused by a test trigger'; END IF; RETURN NEW; END $$`);
    await store.run(`CREATE TRIGGER refuse BEFORE INSERT ON offers FOR EACH ROW EXECUTE FUNCTION ${SCHEMA}.refuse()`);
    const versionBefore = await store.dataVersion();
    try {
      await rejects(
        ingestFiles(store, { table: 'offers', files: [file('boom.csv', [HEADER, 'o7,c1,2025-04-01,upsell,X,,,,,', 'boom,c1,2025-04-02,upsell,X,,,,,'])] }),
        'DB_ERROR',
        /loading offers into postgres:\/\/uprate:\*\*\*@.*failed and was rolled back: .*refused by a test trigger/,
      );
    } finally {
      await store.run('DROP TRIGGER refuse ON offers');
    }
    assert.equal(await count(), 5);
    assert.equal((await store.query(`SELECT 1 FROM offers WHERE offer_id = 'o7'`)).length, 0);
    assert.equal(await store.dataVersion(), versionBefore);
  });

  test('customers load and join; the server answers the Cube API and takes HTTP ingest', async () => {
    await ingestFiles(store, { table: 'customers', files: [file('customers.csv', ['customer_id,account_size,engagement_score,mrr', 'c1,smb,20,10.5', 'c2,enterprise,80,'])] });
    const { app } = await buildApp({ store, dev: true, logLevel: 'silent', clock: () => new Date('2025-06-01T00:00:00Z') });
    try {
      const query = { measures: ['Offers.count', 'Offers.accepted'], dimensions: ['Customers.accountSize'], order: [['Customers.accountSize', 'asc']] };
      const load = async () => (await app.inject({ method: 'GET', url: `/cubejs-api/v1/load?query=${encodeURIComponent(JSON.stringify(query))}` })).json() as { data: Record<string, string | null>[]; dbType: string };
      const first = await load();
      assert.equal(first.dbType, 'postgres');
      // By hand: c1 (smb) has o1 (its acceptance dropped by the reload above), o2, o5; c2 (enterprise)
      // o3; c3 (no customer row) o4. None is accepted.
      assert.deepEqual(first.data.map((r) => [r['Customers.accountSize'], r['Offers.count'], r['Offers.accepted']]), [['enterprise', '1', '0'], ['smb', '3', '0'], [null, '1', '0']]);
      const posted = await app.inject({ method: 'POST', url: '/api/v1/ingest/offers', headers: { 'content-type': 'text/csv' }, payload: `${HEADER}\no8,c2,2025-05-01,cross_sell,Y,,,2025-05-02,,\n` });
      assert.equal(posted.statusCode, 200, posted.body);
      assert.equal((posted.json() as { inserted: number }).inserted, 1);
      const second = await load();
      assert.deepEqual(second.data[0], { 'Customers.accountSize': 'enterprise', 'Offers.count': '2', 'Offers.accepted': '1' });
      const health = (await app.inject({ method: 'GET', url: '/health' })).json() as { engine: string; offers: number; database: string };
      assert.deepEqual([health.engine, health.offers], ['postgres', 6]);
      assert.doesNotMatch(health.database, /uprate:uprate@/);
    } finally {
      await app.close();
    }
  });

  test('a read-only open refuses writes; on an empty schema it opens, and what needs the tables says why not', async () => {
    const reader = await PostgresStore.open(url, { readOnly: true });
    try {
      await rejects(reader.run(`DELETE FROM offers`), 'DB_ERROR', /read-only transaction/);
    } finally {
      await reader.close();
    }
    assert.equal(await count(), 6);
    const fresh = await PostgresStore.open(schemaUrl('fresh'), { readOnly: true });
    await rejects(fresh.ensureOwnTables('ingest'), 'READ_ONLY', /ingest needs uprate's own tables, but the database is open read-only/).finally(() => fresh.close());
  });

  test('a statement past the timeout is ENGINE_UNAVAILABLE naming the server; the pool carries on', async () => {
    const quick = await PostgresStore.open(url, { timeoutMs: 300 });
    try {
      const e = await rejects(quick.query('SELECT pg_sleep(3)'), 'ENGINE_UNAVAILABLE', /PostgreSQL at postgres:\/\/uprate:\*\*\*@127\.0\.0\.1:\d+\/uprate.* did not answer within 300 ms/);
      assert.doesNotMatch(e.describe(), /uprate:uprate@/);
      const [row] = await quick.query<{ n: bigint }>('SELECT count(*) AS n FROM offers');
      assert.equal(Number(row?.n), 6);
    } finally {
      await quick.close();
    }
  });

  test('a server that is not there is ENGINE_UNAVAILABLE with the URL, never the password', async () => {
    const nowhere = new URL(url);
    nowhere.port = '9'; // discard: nothing listens there
    nowhere.password = 'hunter2';
    const e = await rejects(PostgresStore.open(nowhere.toString(), { timeoutMs: 2_000 }), 'ENGINE_UNAVAILABLE', /PostgreSQL at postgres:\/\/uprate:\*\*\*@127\.0\.0\.1:9\/uprate.*is not available/);
    assert.doesNotMatch(JSON.stringify(e.toJSON()), /hunter2/);
    assert.doesNotMatch(e.describe(), /hunter2/);
  });

  test('SQL the server rejects is a DB_ERROR carrying the SQL and parameters', async () => {
    const e = await rejects(store.query('SELECT nope FROM offers WHERE offer_id = $1', ['o1']), 'DB_ERROR', /column "nope" does not exist/);
    assert.deepEqual(e.details, { sql: 'SELECT nope FROM offers WHERE offer_id = $1', params: ['o1'], code: '42703' });
  });

  test('processes opening a new schema together migrate it once, and every one of them writes and reads it by name', async () => {
    // Rounds of three at once: a session that resolved its search_path before another created the
    // schema, or a store that looked while another was between migrations, failed one round in ~100.
    for (let round = 0; round < 12; round++) {
      const stores = await Promise.all([1, 2, 3].map(() => PostgresStore.open(schemaUrl('race'))));
      try {
        for (const [i, s] of stores.entries()) {
          assert.equal(s.readOnlyReason, undefined, `round ${round}, store ${i}: ${s.readOnlyReason}`);
          const [row] = await s.query<{ n: bigint }>('SELECT count(*) AS n FROM uprate_migrations');
          assert.equal(Number(row?.n), 1, `round ${round}, store ${i}`);
        }
        await stores[0]!.run(`DROP SCHEMA ${SCHEMA}_race CASCADE`);
      } finally {
        await Promise.all(stores.map((s) => s.close()));
      }
    }
  });

  test("the schema is made before the pool's first session, once however many open it at once", async () => {
    const stores = await Promise.all(Array.from({ length: 6 }, () => PostgresStore.open(schemaUrl('made'))));
    try {
      // Every session of every pool started with the schema there: its search_path resolves it.
      for (const s of stores) assert.deepEqual((await s.query<{ first: string }>('SELECT (current_schemas(false))[1] AS first'))[0]?.first, `${SCHEMA}_made`);
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  });

  test('a store opened while another is between migrations (uprate_migrations made, offers not yet) is writable and finishes them', async () => {
    const half = `${SCHEMA}_half`;
    await store.run(`CREATE SCHEMA ${half}`);
    await store.run(`CREATE TABLE ${half}.uprate_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMP NOT NULL)`);
    const opened = await PostgresStore.open(schemaUrl('half'));
    try {
      assert.equal(opened.readOnlyReason, undefined);
      const [row] = await opened.query<{ n: bigint }>('SELECT count(*) AS n FROM offers');
      assert.equal(Number(row?.n), 0);
    } finally {
      await opened.close();
    }
  });

  test("a load by another process reaches a running server's cached answers", { timeout: 60_000 }, async () => {
    const { app } = await buildApp({ store, dev: true, logLevel: 'silent', clock: () => new Date('2025-06-01T00:00:00Z') });
    const count = async () => {
      const res = await app.inject({ method: 'GET', url: `/cubejs-api/v1/load?query=${encodeURIComponent(JSON.stringify({ measures: ['Offers.count'] }))}` });
      return Number((res.json() as { data: Record<string, string>[] }).data[0]?.['Offers.count']);
    };
    try {
      const before = await count();
      const other = await PostgresStore.open(url);
      await ingestFiles(other, { table: 'offers', files: [file('other.csv', [HEADER, 'o9,c9,2025-05-05,upsell,Z,,,,,'])] });
      await other.close();
      // The server polls the data version every 2 s; the deadline only guards against a hang.
      let after = await count();
      for (const deadline = Date.now() + 30_000; after === before && Date.now() < deadline; after = await count()) await new Promise((r) => setTimeout(r, 200));
      assert.equal(after, before + 1);
    } finally {
      await app.close();
    }
  });

  test('the CLI on --url: demo replaces the tables, ingest, report and query read them', () => {
    const cli = schemaUrl('cli');
    const demo = uprate(['demo', '--url', cli, '--rows', '3000', '--end', '2025-06-30', '--no-serve']);
    assert.equal(demo.code, 0, demo.stderr);
    assert.match(demo.stdout, /demo data: 3,000 offers, \d[\d,]* customers \(seed 42\) into postgres:\/\/uprate:\*\*\*@/);
    const again = uprate(['demo', '--url', cli, '--rows', '2000', '--end', '2025-06-30', '--no-serve']);
    assert.equal(again.code, 0, again.stderr);
    const report = uprate(['report', '--url', cli, '--format', 'json', '--as-of', '2025-07-01', '--grain', 'none']);
    assert.equal(report.code, 0, report.stderr);
    assert.equal((JSON.parse(report.stdout) as { total: { offers: number } }).total.offers, 2000);
    const query = uprate(['query', '--url', cli, '{"measures":["Offers.count"]}']);
    assert.equal(query.code, 0, query.stderr);
    assert.equal((JSON.parse(query.stdout) as { data: Record<string, string>[] }).data[0]?.['Offers.count'], '2000');
    // The demo built the rollups: a count by month reads one; a segment (no rollup stores one) reads the rows.
    const sql = uprate(['query', '--url', cli, '--sql', '{"measures":["Offers.count"],"timeDimensions":[{"dimension":"Offers.offeredAt","granularity":"month"}]}']);
    assert.equal(sql.code, 0, sql.stderr);
    assert.match(sql.stdout, /FROM uprate_rollup_offers_\w+ AS/);
    const rowsSql = uprate(['query', '--url', cli, '--sql', '{"measures":["Offers.count"],"segments":["Offers.upsells"],"timeDimensions":[{"dimension":"Offers.offeredAt","granularity":"month"}]}']);
    assert.equal(rowsSql.code, 0, rowsSql.stderr);
    assert.match(rowsSql.stdout, /date_trunc\('month'/);
    const ingest = uprate(['ingest', '--url', cli, join(dir, 'offers.csv')]);
    assert.equal(ingest.code, 0, ingest.stderr);
    assert.match(ingest.stdout, /offers: 3 rows read, 3 inserted, 0 updated, 0 unchanged, 0 rejected/);
  });
});
