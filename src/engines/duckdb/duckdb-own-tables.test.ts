/**
 * Bring your own tables on DuckDB: a file holding only the user's tables is read as it is (no
 * uprate table appears until a feature needs one), read-only turns the writing features off with
 * READ_ONLY errors that name them, and a model's SQL reads Parquet files in place by paths
 * relative to the model folder — only under the configured roots. Expected values come from plain
 * SQL on a DuckDB without any sandbox.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ingestFiles } from '../../ingest/index.js';
import { loadModel } from '../../model/index.js';
import { allAccess, answerQuery } from '../../query/index.js';
import { DuckDbStore } from './duckdb-store.js';
import { timeVersion } from '../../store/own-tables.js';
import { rejects } from '../../../test/store-assertions.js';

const dir = mkdtempSync(join(tmpdir(), 'uprate-duckdb-byo-'));
const modelDir = join(dir, 'model');
const outside = join(dir, 'elsewhere');
const spool = join(dir, 'spool');
const NOW = new Date('2025-07-01T00:00:00Z');

/** The tables of a DuckDB file, as plain SQL lists them. */
async function tables(store: DuckDbStore): Promise<string[]> {
  const rows = await store.query<{ t: string }>(`SELECT schema_name || '.' || table_name AS t FROM duckdb_tables() ORDER BY t`);
  return rows.map((r) => r.t);
}

before(async () => {
  mkdirSync(join(modelDir, 'data'), { recursive: true });
  mkdirSync(outside);
  mkdirSync(spool);
  // The user's files, written by a plain DuckDB: two Parquet parts in the model's data folder, one elsewhere.
  const writer = await DuckDbStore.open(':memory:');
  try {
    await writer.run(`COPY (SELECT 'o' || i AS offer_id, 'c' || (i % 7) AS customer_id, CASE WHEN i % 3 = 0 THEN 'upsell' ELSE 'cross_sell' END AS offer_type,
      i % 4 = 0 AS accepted FROM range(40) t(i)) TO '${join(modelDir, 'data', 'offers-1.parquet')}' (FORMAT parquet)`);
    await writer.run(`COPY (SELECT 'p' || i AS offer_id, 'c' || (i % 5) AS customer_id, 'upsell' AS offer_type, i % 2 = 0 AS accepted FROM range(10) t(i))
      TO '${join(modelDir, 'data', 'offers-2.parquet')}' (FORMAT parquet)`);
    await writer.run(`COPY (SELECT 1 AS secret) TO '${join(outside, 'secret.parquet')}' (FORMAT parquet)`);
    await writer.run(`COPY (SELECT 1 AS secret) TO '${join(outside, 'secret.csv')}' (HEADER)`);
  } finally {
    await writer.close();
  }
  writeFileSync(
    join(modelDir, 'upsell.yml'),
    `cubes:
  - name: Upsells
    sql: SELECT * FROM read_parquet('data/offers-*.parquet')
    measures:
      - name: count
        type: count
      - name: accepted
        type: count
        filters:
          - sql: "{CUBE}.accepted"
    dimensions:
      - name: offerId
        sql: offer_id
        type: string
        primary_key: true
      - name: offerType
        sql: offer_type
        type: string
  - name: Leak
    sql: SELECT * FROM read_parquet('../elsewhere/secret.parquet')
    measures:
      - name: count
        type: count
`,
  );
});

after(() => rmSync(dir, { recursive: true, force: true }));

describe('a DuckDB file of the user\'s own tables', () => {
  const file = join(dir, 'theirs.duckdb');

  before(async () => {
    const plain = await DuckDbStore.open(':memory:');
    await plain.close();
    // Made without uprate: one table of the user's, named as uprate's would be.
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const instance = await DuckDBInstance.create(file);
    const c = await instance.connect();
    await c.run(`CREATE TABLE offers (id INTEGER, note VARCHAR)`);
    await c.run(`INSERT INTO offers VALUES (1, 'theirs'), (2, 'also theirs')`);
    c.closeSync();
    instance.closeSync();
  });

  test('on demand: opening and querying create nothing; the data version follows the clock', async () => {
    const store = await DuckDbStore.open(file, { ownTables: 'on-demand' });
    try {
      assert.deepEqual(await tables(store), ['main.offers']);
      assert.deepEqual(await store.query(`SELECT id, note FROM offers ORDER BY id`), [
        { id: 1, note: 'theirs' },
        { id: 2, note: 'also theirs' },
      ]);
      const before = timeVersion();
      const v = await store.dataVersion();
      assert.ok(v >= before && v <= timeVersion(), `${v} is not the 10-second clock`);
      assert.equal(store.readOnly, false);
      assert.deepEqual(store.featuresOff, []);
    } finally {
      await store.close();
    }
  });

  test('read-only: opens without uprate\'s tables, creates nothing, and ingest says what is off and why', async () => {
    const store = await DuckDbStore.open(file, { readOnly: true, readOnlyWhy: '--read-only' });
    try {
      assert.equal(store.readOnly, true);
      assert.deepEqual(store.featuresOff, ['ingest', 'alert history', 'demo load', 'rollups']);
      assert.match(store.readOnlyReason ?? '', /theirs\.duckdb is open read-only \(--read-only\).*off: ingest, alert history and notification state.*demo load/);
      const csv = join(dir, 'offers.csv');
      writeFileSync(csv, 'offer_id,customer_id,offered_at,offer_type,offer_name\no1,c1,2025-01-01,upsell,A\n');
      await rejects(ingestFiles(store, { table: 'offers', files: [csv] }), 'READ_ONLY', /ingest needs uprate's own tables, but the database is open read-only \(--read-only\)[\s\S]*fix: run it without --read-only/);
      await rejects(store.ensureOwnTables('demo load'), 'READ_ONLY', /demo load needs uprate's own tables/);
      assert.deepEqual(await tables(store), ['main.offers']);
    } finally {
      await store.close();
    }
  });

  test('a feature that needs them creates uprate\'s tables then (and the user\'s table named offers is in the way, said plainly)', async () => {
    const store = await DuckDbStore.open(file, { ownTables: 'on-demand' });
    try {
      await rejects(store.ensureOwnTables('ingest'), 'DB_ERROR', /migration 1 \(offers and customers\) failed/);
      assert.deepEqual(await tables(store), ['main.offers']);
    } finally {
      await store.close();
    }
  });
});

describe('files read in place, inside the roots only', () => {
  let store: DuckDbStore;
  let reference: DuckDbStore;

  before(async () => {
    store = await DuckDbStore.open(join(dir, 'served.duckdb'), { files: { base: modelDir, roots: ['.'], ingestDirs: [spool] } });
    reference = await DuckDbStore.open(':memory:');
  });
  after(async () => {
    await store?.close();
    await reference?.close();
  });

  test('a relative path and a glob are the model folder\'s: the model answers what plain SQL counts', async () => {
    const model = await loadModel(modelDir);
    const answer = await answerQuery(store, model, { measures: ['Upsells.count', 'Upsells.accepted'], dimensions: ['Upsells.offerType'], order: { 'Upsells.offerType': 'asc' } }, { now: NOW, access: allAccess('local') });
    const expected = await reference.query<{ t: string; n: bigint; a: bigint }>(
      `SELECT offer_type AS t, count(*) AS n, count(*) FILTER (WHERE accepted) AS a FROM read_parquet('${join(modelDir, 'data', 'offers-*.parquet')}') GROUP BY 1 ORDER BY 1`,
    );
    assert.deepEqual(
      answer.results[0]?.data.map((r) => [r['Upsells.offerType'], Number(r['Upsells.count']), Number(r['Upsells.accepted'])]),
      expected.map((r) => [r.t, Number(r.n), Number(r.a)]),
    );
    assert.equal(expected.length, 2);
    const [one] = await store.query<{ n: bigint }>(`SELECT count(*) AS n FROM 'data/offers-1.parquet'`);
    assert.equal(Number(one?.n), 40);
  });

  test('a path outside the roots is refused naming the path and the roots, not with DuckDB\'s words', async () => {
    const model = await loadModel(modelDir);
    const e = await rejects(answerQuery(store, model, { measures: ['Leak.count'] }, { now: NOW, access: allAccess('local') }), 'MODEL_INVALID', /reading \.\.\/elsewhere\/secret\.parquet is not allowed: files are read only under /);
    assert.ok(e.message.includes(modelDir), e.message);
    assert.deepEqual((e.details as { roots: string[] }).roots, [modelDir]);
    await rejects(store.query(`SELECT * FROM read_csv('${join(outside, 'secret.csv')}')`), 'MODEL_INVALID', /secret\.csv is not allowed/);
  });

  test('DuckDB itself refuses what uprate cannot see in the SQL: computed paths, writes, attachments', async () => {
    await rejects(store.query(`SELECT * FROM read_text(lower('${join(outside, 'SECRET.CSV').toUpperCase()}'))`), 'MODEL_INVALID', /is not allowed: files are read only under/);
    await rejects(store.run(`COPY (SELECT 1) TO '${join(outside, 'copy.csv')}'`), 'MODEL_INVALID', /copy\.csv is not allowed/);
    await rejects(store.run(`SET enable_external_access = true`), 'DB_ERROR', /Cannot enable external access/);
  });

  test('uprate\'s own work goes on: its tables in the file, ingest from the spool folder', async () => {
    const csv = join(spool, 'offers.csv');
    writeFileSync(csv, 'offer_id,customer_id,offered_at,offer_type,offer_name\no1,c1,2025-01-01,upsell,A\no2,c2,2025-01-02,cross_sell,B\n');
    const summary = await ingestFiles(store, { table: 'offers', files: [csv] });
    assert.equal(summary.inserted, 2);
    const [row] = await store.query<{ n: bigint }>(`SELECT count(*) AS n FROM offers`);
    assert.equal(Number(row?.n), 2);
    assert.equal(await store.dataVersion(), 1);
  });
});
