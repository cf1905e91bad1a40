/**
 * ClickHouse's rollup registry is appended to (no transaction to update it in place): every
 * build, refresh and drop writes a row per rollup. It must stay one row per rollup on each shard
 * however many loads have refreshed it — every query reads it — including a registry made before
 * it merged its rows (an append-only MergeTree), which the next write converts without losing a
 * rollup. A query reads it again only when it changed: once after another process dropped or
 * built a rollup, never a stale list.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { writeDemoFiles } from '../src/demo/index.js';
import type { ClickHouseStore } from '../src/engines/clickhouse/index.js';
import { ingestFiles } from '../src/ingest/index.js';
import { loadModel, shippedModelDir, type Model } from '../src/model/index.js';
import { allAccess, answerQuery } from '../src/query/index.js';
import { buildRollups, dropRollups, rollupStatus } from '../src/rollups/index.js';
import { openStore, type Store } from '../src/store/index.js';
import { DEMO_END } from './cross-engine-queries.js';
import { locateServer, skipUnlessReady } from './engines.js';
import { dropClickHouse } from './readme/test-servers.js';

const PLAIN = ['Offers.daily', 'Offers.segments', 'Offers.regions', 'Offers.timeToAccept'];
const dir = mkdtempSync(join(tmpdir(), 'uprate-ch-registry-'));
const slot = await locateServer('clickhouse', `uprate_registry_${process.pid}`);

describe('clickhouse: the rollup registry stays a row per rollup, and queries read it only when it changed', { skip: skipUnlessReady(slot) }, () => {
  let store: Store;
  let other: Store;
  let model: Model;
  let files: { customers: string; offers: string };
  let batch = 0;

  before(async () => {
    files = await writeDemoFiles({ dir, format: 'csv', rows: 3_000, seed: 7, end: DEMO_END });
    model = await loadModel(shippedModelDir());
    const url = slot.ready?.where ?? '';
    store = await openStore({ db: ':memory:', url, engine: 'clickhouse' });
    other = await openStore({ db: ':memory:', url, engine: 'clickhouse' });
    await ingestFiles(store, { table: 'customers', files: [files.customers] });
    await ingestFiles(store, { table: 'offers', files: [files.offers] });
    await buildRollups(store, model, PLAIN);
  });

  after(async () => {
    await store?.close();
    await other?.close();
    if (slot.ready) await dropClickHouse(slot.ready.where);
    rmSync(dir, { recursive: true, force: true });
  });

  /** Loads 20 stored offers again under new ids: a refresh records every rollup anew. */
  const loadSome = async () => {
    const [head = '', ...rows] = readFileSync(files.offers, 'utf8').trimEnd().split('\n');
    const id = head.split(',').indexOf('offer_id');
    batch += 1;
    const chosen = rows.slice(batch * 20, batch * 20 + 20).map((r) => r.split(',').map((c, i) => (i === id ? `b${batch}-${c}` : c)).join(','));
    const file = join(dir, `batch-${batch}.csv`);
    writeFileSync(file, `${[head, ...chosen].join('\n')}\n`);
    await ingestFiles(store, { table: 'offers', files: [file] });
  };

  const ch = () => store as unknown as ClickHouseStore;
  /** On each shard: the registry's rows, its names, and its engine — read with plain SQL on the shard itself. */
  const onShards = async () =>
    Promise.all(
      ch().shards.map(async (shard) => {
        const [row] = (await shard.select(`SELECT toString(count()) AS n, toString(uniqExact(name)) AS names FROM ${ch().shardDb}.rollups`)).data;
        const [table] = (await shard.select(`SELECT engine FROM system.tables WHERE database = '${ch().shardDb}' AND name = 'rollups'`)).data;
        return { rows: Number(row?.['n']), names: Number(row?.['names']), engine: String(table?.['engine']) };
      }),
    );
  /** The rollups the registry's view lists, with their tables and versions. */
  const listed = async (s: Store) => (await s.query<{ name: string; table_name: string; data_version: string }>('SELECT name, table_name, toString(data_version) AS data_version FROM uprate_rollups ORDER BY name')).map((r) => `${r.name} ${r.table_name} ${r.data_version}`);

  test('after a build and three loads, each shard holds one registry row per rollup, every rollup fresh', async () => {
    for (let i = 0; i < 3; i += 1) await loadSome();
    for (const shard of await onShards()) {
      assert.equal(shard.engine, 'ReplacingMergeTree');
      assert.equal(shard.names, PLAIN.length);
      assert.equal(shard.rows, PLAIN.length, 'older revisions merged away');
    }
    const states = (await rollupStatus(store, model)).filter((s) => PLAIN.includes(s.name));
    assert.deepEqual(states.map((s) => s.state), PLAIN.map(() => 'fresh'));
  });

  test('a registry from before (an append-only MergeTree holding every revision) is converted at the next write: each rollup\'s newest row kept, a dropped one hidden', async () => {
    const sdb = ch().shardDb;
    for (const shard of ch().shards) {
      await shard.request(`RENAME TABLE ${sdb}.rollups TO ${sdb}.rollups_then`);
      await shard.request(`CREATE TABLE ${sdb}.rollups AS ${sdb}.rollups_then ENGINE = MergeTree ORDER BY (name, rev)`);
      await shard.request(`INSERT INTO ${sdb}.rollups SELECT * FROM ${sdb}.rollups_then`);
      await shard.request(`DROP TABLE ${sdb}.rollups_then`);
    }
    // A load appends a revision of every rollup; the registry cannot merge it (no merge key): twice as many rows.
    const write = (ch().shards[0] ?? assert.fail('a shard')).request.bind(ch().shards[0]);
    let converted = false;
    const first = ch().shards[0];
    if (first) {
      first.request = (sql, options) => {
        if (/^INSERT INTO \S+\.rollups FORMAT/.test(sql)) converted = true;
        return write(sql, options);
      };
    }
    try {
      await loadSome();
    } finally {
      if (first) delete (first as { request?: unknown }).request;
    }
    assert.ok(converted, 'the load recorded its refresh');
    // The load's own write converted it: every shard merged to a row per rollup.
    for (const shard of await onShards()) assert.deepEqual(shard, { rows: PLAIN.length, names: PLAIN.length, engine: 'ReplacingMergeTree' });
    const before = await listed(store);
    assert.equal(before.length, PLAIN.length);

    // Again from an append-only registry with two revisions of each rollup, then a drop: the drop's write converts it.
    for (const shard of ch().shards) {
      await shard.request(`RENAME TABLE ${sdb}.rollups TO ${sdb}.rollups_then`);
      await shard.request(`CREATE TABLE ${sdb}.rollups AS ${sdb}.rollups_then ENGINE = MergeTree ORDER BY (name, rev)`);
      await shard.request(`INSERT INTO ${sdb}.rollups SELECT * FROM ${sdb}.rollups_then`);
      // An older revision of each, pointing at a table that does not exist: it must not win.
      await shard.request(`INSERT INTO ${sdb}.rollups (name, table_name, rev, is_dropped) SELECT name, concat(table_name, '_older'), rev - 1, 0 FROM ${sdb}.rollups_then`);
      await shard.request(`DROP TABLE ${sdb}.rollups_then`);
    }
    for (const shard of await onShards()) assert.deepEqual(shard, { rows: 2 * PLAIN.length, names: PLAIN.length, engine: 'MergeTree' });
    await dropRollups(store, model, ['Offers.regions']);
    for (const shard of await onShards()) assert.deepEqual(shard, { rows: PLAIN.length, names: PLAIN.length, engine: 'ReplacingMergeTree' }, 'the dropped one kept as its newest row (dropped)');
    assert.deepEqual(await listed(store), before.filter((r) => !r.startsWith('Offers.regions ')));
    assert.equal((await rollupStatus(store, model)).find((s) => s.name === 'Offers.regions')?.state, 'missing');
    await buildRollups(store, model, ['Offers.regions']);
  });

  test('a query reads the registry once while it is unchanged, and again after another process drops or builds a rollup', async () => {
    const query = { measures: ['Offers.count', 'Offers.conversionRate'], dimensions: ['Customers.region'] };
    const asked: string[] = [];
    const inner = other.query.bind(other);
    other.query = ((sql: string, params?: never, options?: never) => {
      asked.push(sql);
      return inner(sql, params, options);
    }) as Store['query'];
    const answer = async () => {
      asked.length = 0;
      const a = await answerQuery(other, model, query, { access: allAccess('local'), now: new Date() });
      return { a, registryReads: asked.filter((s) => /FROM uprate_rollups\b/.test(s)).length, statements: asked.length };
    };
    try {
      const first = await answer();
      const used = (a: typeof first.a) => { const r = a.results[0]?.rollup; return r && 'used' in r ? r.used : null; };
      assert.equal(used(first.a), 'Offers.regions', 'the rollup answers');
      const again = await answer();
      assert.equal(again.registryReads, 0, 'unchanged: not read again');
      assert.equal(again.statements, 2, 'the version and the registry\'s key, then the query');

      // Another handle (another process) drops the rollup that answered: the next query reads the registry and the rows.
      await dropRollups(store, model, ['Offers.regions']);
      const afterDrop = await answer();
      assert.equal(afterDrop.registryReads, 1);
      assert.equal(used(afterDrop.a), null, 'the rows answer');
      assert.deepEqual(afterDrop.a.results[0]?.data, first.a.results[0]?.data, 'the rows give the same answer');
      assert.equal((await rollupStatus(other, model)).find((s) => s.name === 'Offers.regions')?.state, 'missing');

      await buildRollups(store, model, ['Offers.regions']);
      assert.equal((await rollupStatus(other, model)).find((s) => s.name === 'Offers.regions')?.state, 'fresh');
    } finally {
      delete (other as { query?: unknown }).query;
    }
  });
});
