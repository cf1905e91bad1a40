/**
 * Bring your own tables on ClickHouse (the shared 2-shard cluster, scripts/services/clickhouse.sh):
 * a model may name any `database.table` — the store neither prefixes nor narrows the database —
 * and a store opened on the user's database with `ownTables: 'on-demand'` creates nothing there
 * (no uprate table, no `<db>_shard` database on any shard). Plain MergeTree tables made by this
 * test, on the URL's server, dropped at the end; expected values come from plain SQL.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { locateServer, skipUnlessReady } from '../../../test/engines.js';
import { UprateError } from '../../core/errors.js';
import { loadModel } from '../../model/index.js';
import { allAccess, answerQuery } from '../../query/index.js';
import { ClickHouseHttp } from './clickhouse-http.js';
import { openClickHouseStore, type ClickHouseStore } from './clickhouse-store.js';
import { parseClickHouseUrl } from './clickhouse-url.js';
import { timeVersion } from '../../store/own-tables.js';

const HOME = `uprate_byo_home_${process.pid}`;
const OTHER = `uprate_byo_other_${process.pid}`;
const slot = await locateServer('clickhouse', HOME);
const skip = skipUnlessReady(slot);
if (skip) console.log(`# clickhouse-database: skipping: ${skip}`);
const url = slot.ready?.where ?? '';
const NOW = new Date('2025-07-01T00:00:00Z');

let plain: ClickHouseHttp;
let dir: string;

async function rows(sql: string): Promise<readonly Record<string, unknown>[]> {
  return (await plain.select(sql)).data;
}

/** Every database and table of every shard whose name carries this test's tag. */
async function ours(store: ClickHouseStore): Promise<string[]> {
  const seen: string[] = [];
  for (const shard of store.shards) {
    const answer = await shard.select(`SELECT database, name FROM system.tables WHERE database LIKE 'uprate_byo_%_${process.pid}%' ORDER BY database, name`);
    const dbs = await shard.select(`SELECT name FROM system.databases WHERE name LIKE 'uprate_byo_%_${process.pid}%' ORDER BY name`);
    seen.push(...dbs.data.map((d) => `${shard.label} db ${String(d['name'])}`), ...answer.data.map((t) => `${shard.label} ${String(t['database'])}.${String(t['name'])}`));
  }
  return seen;
}

before(async () => {
  if (skip) return;
  const config = parseClickHouseUrl(url);
  plain = new ClickHouseHttp(config.endpoint, config.user, config.password, 'system', 30, config.display);
  for (const db of [HOME, OTHER]) {
    await plain.request(`DROP DATABASE IF EXISTS ${db}`);
    await plain.request(`CREATE DATABASE ${db}`);
  }
  await plain.request(`CREATE TABLE ${HOME}.events (id UInt32, kind String) ENGINE = MergeTree ORDER BY id`);
  await plain.request(`INSERT INTO ${HOME}.events SELECT number, if(number % 2 = 0, 'even', 'odd') FROM numbers(11)`);
  await plain.request(`CREATE TABLE ${OTHER}.upsell_offers (offer_id String, offer_type String, accepted UInt8) ENGINE = MergeTree ORDER BY offer_id`);
  await plain.request(
    `INSERT INTO ${OTHER}.upsell_offers SELECT concat('o', toString(number)), if(number % 3 = 0, 'upsell', 'cross_sell'), if(number % 4 = 0, 1, 0) FROM numbers(50)`,
  );
  dir = mkdtempSync(join(tmpdir(), 'uprate-ch-byo-'));
});

after(async () => {
  if (skip) return;
  for (const db of [HOME, OTHER, `${HOME}_shard`]) await plain.request(`DROP DATABASE IF EXISTS ${db}`);
  rmSync(dir, { recursive: true, force: true });
});

describe('ClickHouse: any database.table', { skip }, () => {
  test('on demand on the user\'s database: nothing created; its tables and another database\'s read as plain SQL counts', async () => {
    const store = await openClickHouseStore(url, { ownTables: 'on-demand' });
    try {
      const before = await ours(store);
      assert.equal(store.config.database, HOME);
      assert.deepEqual(
        await store.query(`SELECT kind, count() AS n FROM events GROUP BY kind ORDER BY kind`),
        (await rows(`SELECT kind, count() AS n FROM ${HOME}.events GROUP BY kind ORDER BY kind`)).map((r) => ({ kind: r['kind'], n: Number(r['n']) })),
      );
      const [other] = await store.query<{ n: number }>(`SELECT count() AS n FROM ${OTHER}.upsell_offers`);
      assert.equal(other?.n, 50);

      mkdirSync(join(dir, 'model'), { recursive: true });
      writeFileSync(
        join(dir, 'model', 'upsells.yml'),
        `cubes:\n  - name: Upsells\n    sql_table: ${OTHER}.upsell_offers\n    measures:\n      - name: count\n        type: count\n      - name: accepted\n        type: count\n        filters:\n          - sql: "{CUBE}.accepted = 1"\n    dimensions:\n      - name: offerType\n        sql: offer_type\n        type: string\n`,
      );
      const model = await loadModel(join(dir, 'model'));
      const answer = await answerQuery(store, model, { measures: ['Upsells.count', 'Upsells.accepted'], dimensions: ['Upsells.offerType'], order: { 'Upsells.offerType': 'asc' } }, { now: NOW, access: allAccess('local') });
      const expected = await rows(`SELECT offer_type AS t, count() AS n, countIf(accepted = 1) AS a FROM ${OTHER}.upsell_offers GROUP BY t ORDER BY t`);
      assert.deepEqual(
        answer.results[0]?.data.map((r) => [r['Upsells.offerType'], Number(r['Upsells.count']), Number(r['Upsells.accepted'])]),
        expected.map((r) => [r['t'], Number(r['n']), Number(r['a'])]),
      );
      assert.equal(expected.length, 2);

      const v = await store.dataVersion();
      assert.ok(Math.abs(v - timeVersion()) <= 1, `${v} is not the 10-second clock`);
      assert.deepEqual(await ours(store), before);
      assert.ok(!before.some((t) => t.includes(`${HOME}_shard`)), before.join('\n'));
    } finally {
      await store.close();
    }
  });

  test('read-only: opens without uprate\'s tables; asking for them names the feature', async () => {
    const store = await openClickHouseStore(url, { readOnly: true, readOnlyWhy: '--read-only' });
    try {
      assert.equal(store.readOnly, true);
      await assert.rejects(store.ensureOwnTables('ingest'), (e: unknown) => e instanceof UprateError && e.code === 'READ_ONLY' && /ingest needs uprate's own tables, but the database is open read-only \(--read-only\)/.test(e.message));
      const [n] = await store.query<{ n: number }>(`SELECT count() AS n FROM ${OTHER}.upsell_offers WHERE accepted = 1`);
      assert.equal(n?.n, Number((await rows(`SELECT count() AS n FROM ${OTHER}.upsell_offers WHERE accepted = 1`))[0]?.['n']));
    } finally {
      await store.close();
    }
  });
});
