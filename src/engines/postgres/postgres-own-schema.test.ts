/**
 * Bring your own tables on PostgreSQL (a real server, scripts/services/postgres.sh): uprate keeps
 * its tables in schema `uprate` and leaves the user's alone — a table of theirs named `offers` in
 * `public` keeps its columns and rows through an ingest; the session still reaches `public` and
 * schema-qualified tables; an older database with uprate's tables in `public` keeps working; a
 * user who may not CREATE gets a read-only store that creates nothing, not even while alerts are
 * evaluated. Each test works in a database of its own, dropped at the end; expected values come
 * from plain SQL over a separate connection.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { startReceiver, type Receiver } from '../../../test/alerts-receiver.js';
import { locateServer, skipUnlessReady } from '../../../test/engines.js';
import { AlertMonitor, alertSetup, ensureAlertTables } from '../../alerts/index.js';
import { configSchema } from '../../config/index.js';
import { writeDemoFiles } from '../../demo/index.js';
import { ingestFiles } from '../../ingest/index.js';
import { loadModel, shippedModelDir } from '../../model/index.js';
import { allAccess, answerQuery } from '../../query/index.js';
import { buildApp } from '../../server/index.js';
import { openStore } from '../../store/open-store.js';
import { timeVersion } from '../../store/own-tables.js';
import { PostgresStore } from './postgres-store.js';
import type { Store } from '../../store/store.js';
import { catalog, rejects } from '../../../test/store-assertions.js';

const TAG = `uprate_byo_${process.pid}`;
const slot = await locateServer('postgres', TAG);
const skip = skipUnlessReady(slot);
if (skip) console.log(`# postgres-own-schema: skipping: ${skip}`);
/** The server's URL without the isolating ?schema= the locator adds: these tests isolate by database. */
const base = (() => {
  if (!slot.ready) return '';
  const u = new URL(slot.ready.where);
  u.searchParams.delete('schema');
  return u.toString();
})();
const AT = new Date('2025-07-01T12:00:00Z');

let admin: pg.Client;
let dir: string;
const databases: string[] = [];
const roles: string[] = [];

/** A URL of the same server for `database` (and another user, when given). */
function urlOf(database: string, user?: { name: string; password: string }): string {
  const u = new URL(base);
  u.pathname = `/${database}`;
  if (user) {
    u.username = user.name;
    u.password = user.password;
  }
  return u.toString();
}

/** A fresh database of this test's own, and a plain client on it (the reference for expected values). */
async function database(name: string): Promise<pg.Client> {
  const db = `${TAG}_${name}`;
  await admin.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${db}`);
  databases.push(db);
  const client = new pg.Client({ connectionString: urlOf(db) });
  client.on('error', () => undefined); // dropped with its database at the end
  await client.connect();
  return client;
}

async function count(client: pg.Client | Store, sql: string): Promise<number> {
  const rows = client instanceof pg.Client ? (await client.query<{ n: string }>(sql)).rows : await client.query<{ n: bigint }>(sql);
  return Number(rows[0]?.n);
}

before(async () => {
  if (skip) return;
  admin = new pg.Client({ connectionString: base });
  await admin.connect();
  dir = mkdtempSync(join(tmpdir(), 'uprate-pg-byo-'));
});

after(async () => {
  if (skip) return;
  for (const db of databases) await admin.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
  for (const role of roles) await admin.query(`DROP ROLE IF EXISTS ${role}`);
  await admin.end();
  rmSync(dir, { recursive: true, force: true });
});

describe('uprate\'s own schema on PostgreSQL', { skip }, () => {
  test('a table of the user\'s named offers in public is untouched by an ingest; uprate\'s rows are in uprate.offers', async () => {
    const plain = await database('theirs');
    await plain.query(`CREATE TABLE public.offers (id INTEGER PRIMARY KEY, label TEXT NOT NULL, amount NUMERIC(10, 2))`);
    await plain.query(`INSERT INTO public.offers VALUES (1, 'mine', 9.50), (2, 'also mine', NULL), (3, 'still mine', 0)`);
    await plain.query(`CREATE SCHEMA analytics`);
    await plain.query(`CREATE TABLE analytics.upsell_offers (offer_id TEXT PRIMARY KEY, offer_type TEXT NOT NULL, accepted BOOLEAN NOT NULL)`);
    await plain.query(`INSERT INTO analytics.upsell_offers SELECT 'a' || i, CASE WHEN i % 3 = 0 THEN 'upsell' ELSE 'cross_sell' END, i % 4 = 0 FROM generate_series(1, 50) i`);
    await plain.query(`CREATE TABLE public.upsell_offers AS SELECT * FROM analytics.upsell_offers WHERE offer_type = 'upsell'`);
    const columns = `SELECT column_name, data_type, is_nullable FROM information_schema.columns WHERE table_schema = 'public' AND table_name = 'offers' ORDER BY ordinal_position`;
    const theirs = `SELECT id, label, amount::text AS amount FROM public.offers ORDER BY id`;
    const columnsBefore = (await plain.query(columns)).rows;
    const rowsBefore = (await plain.query(theirs)).rows;

    const files = await writeDemoFiles({ dir, format: 'csv', rows: 1500, seed: 5, end: AT });
    const store = await PostgresStore.open(urlOf(`${TAG}_theirs`));
    try {
      assert.equal(store.schema, 'uprate');
      const [path] = await store.query<{ search_path: string }>('SHOW search_path');
      assert.equal(path?.search_path, '"uprate", "$user", public');
      await ingestFiles(store, { table: 'customers', files: [files.customers], via: 'demo', replace: true });
      const loaded = await ingestFiles(store, { table: 'offers', files: [files.offers], via: 'demo', replace: true });

      // The user's table, by plain SQL: same columns, same rows.
      assert.deepEqual((await plain.query(columns)).rows, columnsBefore);
      assert.deepEqual((await plain.query(theirs)).rows, rowsBefore);
      assert.equal(rowsBefore.length, 3);
      // uprate's rows are in its own schema, as many as the file holds; nothing of uprate's in public.
      assert.equal(await count(plain, 'SELECT count(*) AS n FROM uprate.offers'), 1500);
      assert.equal(loaded.inserted, 1500);
      const publicTables = (await plain.query<{ t: string }>(`SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`)).rows.map((r) => r.t);
      assert.deepEqual(publicTables, ['offers', 'upsell_offers']);
      // Through the store: the unqualified offers is uprate's, the user's tables stay in reach.
      assert.equal(await count(store, 'SELECT count(*) AS n FROM offers'), 1500);
      assert.equal(await count(store, 'SELECT count(*) AS n FROM upsell_offers'), await count(plain, 'SELECT count(*) AS n FROM public.upsell_offers'));
      assert.equal(await count(store, 'SELECT count(*) AS n FROM public.offers'), 3);

      // A model over a schema-qualified table of the user's answers what plain SQL counts.
      const modelDir = join(dir, 'model-analytics');
      const { mkdirSync } = await import('node:fs');
      mkdirSync(modelDir, { recursive: true });
      writeFileSync(
        join(modelDir, 'upsells.yml'),
        `cubes:\n  - name: Upsells\n    sql_table: analytics.upsell_offers\n    measures:\n      - name: count\n        type: count\n      - name: accepted\n        type: count\n        filters:\n          - sql: "{CUBE}.accepted"\n    dimensions:\n      - name: offerType\n        sql: offer_type\n        type: string\n`,
      );
      const model = await loadModel(modelDir);
      const answer = await answerQuery(store, model, { measures: ['Upsells.count', 'Upsells.accepted'], dimensions: ['Upsells.offerType'], order: { 'Upsells.offerType': 'asc' } }, { now: AT, access: allAccess('local') });
      const expected = (await plain.query<{ t: string; n: string; a: string }>(`SELECT offer_type AS t, count(*) AS n, count(*) FILTER (WHERE accepted) AS a FROM analytics.upsell_offers GROUP BY 1 ORDER BY 1`)).rows;
      assert.deepEqual(
        answer.results[0]?.data.map((r) => [r['Upsells.offerType'], Number(r['Upsells.count']), Number(r['Upsells.accepted'])]),
        expected.map((r) => [r.t, Number(r.n), Number(r.a)]),
      );
    } finally {
      await store.close();
      await plain.end();
    }
  });

  test('?schema=NAME names uprate\'s schema; an older database with uprate\'s tables in public keeps them there and says so', async () => {
    const plain = await database('older');
    // What an older uprate left: its tables in public.
    const older = await PostgresStore.open(`${urlOf(`${TAG}_older`)}?schema=public`);
    const csv = join(dir, 'older.csv');
    writeFileSync(csv, 'offer_id,customer_id,offered_at,offer_type,offer_name\no1,c1,2025-01-01,upsell,A\no2,c2,2025-01-02,cross_sell,B\n');
    await ingestFiles(older, { table: 'offers', files: [csv] });
    await older.close();
    const catalogBefore = await catalog(plain);

    const notices: string[] = [];
    const store = await openStore({ db: ':memory:', url: urlOf(`${TAG}_older`), onNotice: (m) => notices.push(m), env: {} });
    try {
      assert.equal((store as PostgresStore).schema, 'public');
      assert.equal(notices.length, 1);
      assert.match(notices[0] ?? '', /uprate's own tables are in schema public \(made by an older uprate\) and stay there.*ALTER TABLE IF EXISTS public\.offers SET SCHEMA uprate;/);
      assert.equal(await count(store, 'SELECT count(*) AS n FROM offers'), 2);
      assert.equal(await store.dataVersion(), 1);
      assert.deepEqual(await catalog(plain), catalogBefore);
    } finally {
      await store.close();
    }
    const named = await PostgresStore.open(`${urlOf(`${TAG}_older`)}?schema=elsewhere`);
    try {
      assert.equal(named.schema, 'elsewhere');
      assert.equal(await count(plain, `SELECT count(*) AS n FROM pg_tables WHERE schemaname = 'elsewhere' AND tablename = 'uprate_migrations'`), 1);
      // Its own (empty) offers first; public's still reachable qualified.
      assert.equal(await count(named, 'SELECT count(*) AS n FROM offers'), 0);
      assert.equal(await count(named, 'SELECT count(*) AS n FROM public.offers'), 2);
    } finally {
      await named.close();
      await plain.end();
    }
  });

  test('a user who may not CREATE: read-only by itself; querying, alerts and a refused ingest create nothing', async () => {
    const plain = await database('reader');
    // The user's own tables, shaped as the shipped model reads them, filled with plain SQL.
    await plain.query(`CREATE TABLE public.customers (customer_id TEXT PRIMARY KEY, account_size TEXT, lifecycle_stage TEXT, engagement_score DOUBLE PRECISION,
      industry TEXT, region TEXT, plan TEXT, mrr NUMERIC(18, 2))`);
    await plain.query(`INSERT INTO public.customers SELECT 'c' || i, (ARRAY['smb', 'mid_market', 'enterprise'])[1 + i % 3], 'active', i % 100, 'software', 'emea', 'pro', 100
      FROM generate_series(1, 200) i`);
    await plain.query(`CREATE TABLE public.offers (offer_id TEXT PRIMARY KEY, customer_id TEXT NOT NULL, offered_at TIMESTAMP NOT NULL, offer_type TEXT NOT NULL,
      offer_name TEXT NOT NULL, channel TEXT, campaign TEXT, accepted_at TIMESTAMP, declined_at TIMESTAMP, revenue NUMERIC(18, 2))`);
    await plain.query(`INSERT INTO public.offers SELECT 'o' || i, 'c' || (1 + i % 200), TIMESTAMP '2025-01-01' + (i % 170) * INTERVAL '1 day',
      CASE WHEN i % 2 = 0 THEN 'upsell' ELSE 'cross_sell' END, 'Premium', 'email', NULL,
      CASE WHEN i % 5 = 0 THEN TIMESTAMP '2025-01-03' + (i % 170) * INTERVAL '1 day' END, NULL, NULL FROM generate_series(1, 3000) i`);
    const role = `${TAG}_reader`;
    roles.push(role);
    await admin.query(`DROP ROLE IF EXISTS ${role}`);
    await admin.query(`CREATE ROLE ${role} LOGIN PASSWORD 'reader'`);
    await plain.query(`GRANT USAGE ON SCHEMA public TO ${role}`);
    await plain.query(`GRANT SELECT ON ALL TABLES IN SCHEMA public TO ${role}`);
    const [canCreate] = (await plain.query<{ c: boolean }>(`SELECT has_database_privilege('${role}', current_database(), 'CREATE') AS c`)).rows;
    assert.equal(canCreate?.c, false);
    const catalogBefore = await catalog(plain);

    const notices: string[] = [];
    const url = urlOf(`${TAG}_reader`, { name: role, password: 'reader' });
    const store = await openStore({ db: ':memory:', url, onNotice: (m) => notices.push(m), env: {} });
    const receiver: Receiver = await startReceiver();
    try {
      assert.equal(store.readOnly, true);
      assert.deepEqual(store.featuresOff, ['ingest', 'alert history', 'demo load', 'rollups']);
      assert.deepEqual(notices, [store.readOnlyReason]);
      assert.match(notices[0] ?? '', new RegExp(`open read-only \\(user '${role}' may not CREATE in database '${TAG}_reader'\\): uprate creates and writes nothing there; off: ingest, alert history`));

      // The shipped model reads the user's public tables: the same count as plain SQL.
      const model = await loadModel(shippedModelDir());
      const answer = await answerQuery(store, model, { measures: ['Offers.count', 'Offers.accepted'] }, { now: AT, access: allAccess('local') });
      assert.equal(Number(answer.results[0]?.data[0]?.['Offers.count']), await count(plain, 'SELECT count(*) AS n FROM public.offers'));
      const v = await store.dataVersion();
      assert.ok(Math.abs(v - timeVersion()) <= 1, `${v} is not the 10-second clock`);

      // Alerts: evaluated and reported, nothing stored, nothing sent, said once.
      const setup = alertSetup(
        configSchema.parse({ alerts: { channels: { hook: { type: 'webhook', url: receiver.url, retries: 0 } }, rules: [{ name: 'always-low', condition: { type: 'below', threshold: 0.99 }, channels: ['hook'] }] } }),
        model,
      );
      const logged: string[] = [];
      const monitor = new AlertMonitor({ store, model, setup, log: (_level, message) => logged.push(message) });
      const first = await monitor.check({ at: AT });
      const second = await monitor.check({ at: AT });
      for (const result of [first, second]) {
        assert.ok(result.rows.length > 0);
        assert.equal(result.firing, result.rows.length, JSON.stringify(result.rows.map((r) => r.finding.message)));
        assert.ok(result.rows.every((r) => r.transition === null && r.state === undefined && r.deliveries.length === 0));
      }
      assert.equal(receiver.requests.length, 0);

      // Ingest is refused before a row is read, on the CLI path and over HTTP (409).
      const csv = join(dir, 'reader.csv');
      writeFileSync(csv, 'offer_id,customer_id,offered_at,offer_type,offer_name\nz1,c1,2025-01-01,upsell,A\n');
      await rejects(
        ingestFiles(store, { table: 'offers', files: [csv] }),
        'READ_ONLY',
        new RegExp(`ingest needs uprate's own tables, but the database is open read-only \\(user '${role}' may not CREATE in database '${TAG}_reader'\\)[\\s\\S]*fix: an administrator can run CREATE SCHEMA "uprate" AUTHORIZATION`),
      );
      const { app } = await buildApp({ store, dev: true, logLevel: 'silent', model, clock: () => AT });
      try {
        const res = await app.inject({ method: 'POST', url: '/api/v1/ingest/offers', headers: { 'content-type': 'text/csv' }, payload: 'offer_id,customer_id,offered_at,offer_type,offer_name\nz2,c1,2025-01-01,upsell,A\n' });
        assert.equal(res.statusCode, 409, res.body);
        assert.equal((res.json() as { code: string }).code, 'READ_ONLY');
      } finally {
        await app.close();
      }
      assert.deepEqual(await catalog(plain), catalogBefore);
      assert.equal(await count(plain, 'SELECT count(*) AS n FROM public.offers'), 3000);
    } finally {
      await receiver.close();
      await store.close();
      await plain.end();
    }
  });

  test('a user who may not use uprate\'s schema (made by another user) reads the user\'s tables past it', async () => {
    const plain = await database('locked');
    await plain.query(`CREATE TABLE public.offers (offer_id TEXT PRIMARY KEY, note TEXT)`);
    await plain.query(`INSERT INTO public.offers VALUES ('x1', 'theirs'), ('x2', 'theirs too')`);
    const writer = await PostgresStore.open(urlOf(`${TAG}_locked`));
    await writer.close();
    const role = `${TAG}_locked_out`;
    roles.push(role);
    await admin.query(`DROP ROLE IF EXISTS ${role}`);
    await admin.query(`CREATE ROLE ${role} LOGIN PASSWORD 'locked'`);
    await plain.query(`GRANT USAGE ON SCHEMA public TO ${role}`);
    await plain.query(`GRANT SELECT ON public.offers TO ${role}`);
    const catalogBefore = await catalog(plain);
    const notices: string[] = [];
    const store = await openStore({ db: ':memory:', url: urlOf(`${TAG}_locked`, { name: role, password: 'locked' }), onNotice: (m) => notices.push(m), env: {} });
    try {
      assert.match(notices[0] ?? '', new RegExp(`may not CREATE in database '${TAG}_locked' nor in schema 'uprate'`));
      // uprate's schema comes first in the search_path, but a schema the user may not use is skipped.
      assert.deepEqual(await store.query(`SELECT offer_id, note FROM offers ORDER BY offer_id`), (await plain.query(`SELECT offer_id, note FROM public.offers ORDER BY offer_id`)).rows);
      const v = await store.dataVersion();
      assert.ok(Math.abs(v - timeVersion()) <= 1);
      await rejects(store.ensureOwnTables('ingest'), 'READ_ONLY', /GRANT CREATE ON SCHEMA "uprate"/);
      assert.deepEqual(await catalog(plain), catalogBefore);
    } finally {
      await store.close();
      await plain.end();
    }
  });

  test('--read-only on a database uprate could write: nothing is created, and it is said once', async () => {
    const plain = await database('asked');
    const catalogBefore = await catalog(plain);
    const notices: string[] = [];
    const store = await openStore({ db: ':memory:', url: urlOf(`${TAG}_asked`), readOnlyRequested: true, onNotice: (m) => notices.push(m), env: {} });
    try {
      assert.equal(notices.length, 1);
      assert.match(notices[0] ?? '', /is open read-only \(--read-only\)/);
      await rejects(store.ensureOwnTables('alert history'), 'READ_ONLY', /alert history needs uprate's own tables, but the database is open read-only \(--read-only\)[\s\S]*fix: run it without --read-only/);
      await rejects(store.run('CREATE TABLE t (x INT)'), 'DB_ERROR', /read-only transaction/);
      assert.deepEqual(await catalog(plain), catalogBefore);
    } finally {
      await store.close();
    }
    // Opened by a command that only reads: read-only too, but nothing to say.
    const quiet: string[] = [];
    const reader = await openStore({ db: ':memory:', url: urlOf(`${TAG}_asked`), readOnly: true, onNotice: (m) => quiet.push(m), env: {} });
    await reader.close();
    assert.deepEqual(quiet, []);
    // On demand: a writable open creates nothing until a feature asks, and only what it needs.
    const onDemand = await openStore({ db: ':memory:', url: urlOf(`${TAG}_asked`), ownTables: 'on-demand', env: {} });
    try {
      assert.deepEqual(await catalog(plain), catalogBefore);
      assert.equal(await ensureAlertTables(onDemand), true);
      const alertTables = (await plain.query<{ t: string }>(`SELECT schemaname || '.' || tablename AS t FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1`)).rows;
      assert.deepEqual(alertTables.map((r) => r.t), ['uprate.uprate_alert_dead_letters', 'uprate.uprate_alert_notifications', 'uprate.uprate_alert_state']);
      await onDemand.ensureOwnTables('ingest');
      assert.equal(await count(plain, `SELECT count(*) AS n FROM pg_tables WHERE schemaname = 'uprate'`), 7);
    } finally {
      await onDemand.close();
      await plain.end();
    }
  });
});
