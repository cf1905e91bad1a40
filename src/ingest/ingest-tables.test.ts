/**
 * One ingest of several tables is all or nothing, on every engine: a bad row in offers leaves
 * customers untouched, a failure inside the engine after customers were written leaves nothing,
 * and a reject file takes the bad rows of both tables. Re-loading a stored row as it is counts as
 * unchanged, NULL equal to NULL. One suite, run on DuckDB always and on PostgreSQL and ClickHouse
 * where their servers answer (test/engines.ts); each checks its tables with plain SQL counts
 * before and after, and the expected numbers are the rows of the small files written here.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { locateServer, skipUnlessReady, type EngineSlot } from '../../test/engines.js';
import { rejects } from '../../test/store-assertions.js';
import { openClickHouseStore, type ClickHouseStore } from '../engines/clickhouse/index.js';
import { DuckDbStore, PostgresStore, type Store } from '../store/index.js';
import { checkFilesExist } from './files-exist.js';
import type { IngestProgress } from './ingest-options.js';
import { ingestTables } from './ingest.js';

const NAME = `uprate_tables_${process.pid}`;
const dir = mkdtempSync(join(tmpdir(), 'uprate-ingest-tables-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, lines: readonly string[]): string {
  const path = join(dir, name);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

const CUSTOMERS = 'customer_id,account_size,lifecycle_stage,engagement_score,industry,region,plan,mrr';
const OFFERS = 'offer_id,customer_id,offered_at,offer_type,offer_name,channel,campaign,accepted_at,declined_at,revenue';
const customerRows = ['c1,smb,adoption,55.5,saas,emea,pro,100', 'c2,enterprise,,80,,,pro,', 'c3,,,,,,,', 'c4,mid_market,renewal,12.25,retail,amer,basic,49.99'];
// Non-null campaigns are distinct: the PostgreSQL and DuckDB suites make campaign unique to break a load.
const offerRows = [
  'o1,c1,2025-01-01T10:00:00Z,upsell,Premium,in_app,spring,2025-01-02T10:00:00Z,,120.50',
  'o2,c1,2025-01-03,cross_sell,Seats,email,,,2025-01-04,',
  'o3,c2,2025-01-05T00:30:00Z,upsell,Premium,sales,,,,',
  'o4,c3,2025-02-01,upsell,Premium,,summer,2025-02-03,,10',
  'o5,c4,2025-02-02,cross_sell,Seats,,,,,',
  'o6,c4,2025-02-03,upsell,Premium,email,,,,0',
];

/** What differs between engines: opening a fresh place, breaking the offers write, cleaning up. */
interface EngineCase {
  readonly slot: EngineSlot;
  open(): Promise<Store>;
  /** Makes writing the offers below (campaign 'clash' twice) fail inside the engine; returns the undo. */
  breakOffersWrite(store: Store): Promise<() => Promise<void>>;
  /** Rows of a failed load left in storage (ClickHouse deletes them in the background). */
  leftovers?(store: Store, customerId: string): Promise<number>;
  cleanUp(store: Store): Promise<void>;
}

const uniqueCampaign = async (store: Store) => {
  await store.run('CREATE UNIQUE INDEX offers_clash ON offers (campaign)');
  return () => store.run('DROP INDEX offers_clash');
};

const postgres = await locateServer('postgres', NAME);
const clickhouse = await locateServer('clickhouse', NAME);

const ENGINES: readonly EngineCase[] = [
  {
    slot: { engine: 'duckdb', ready: { engine: 'duckdb', args: [], where: join(dir, 'tables.duckdb') } },
    open: () => DuckDbStore.open(join(dir, 'tables.duckdb')),
    breakOffersWrite: uniqueCampaign,
    cleanUp: () => Promise.resolve(),
  },
  {
    slot: postgres,
    open: () => PostgresStore.open(postgres.ready?.where ?? ''),
    breakOffersWrite: uniqueCampaign,
    cleanUp: (store) => store.run(`DROP SCHEMA IF EXISTS ${NAME} CASCADE`),
  },
  {
    slot: clickhouse,
    open: () => openClickHouseStore(clickhouse.ready?.where ?? ''),
    // No constraints on 18.16: the offers' write table goes away, on every shard, while customers are sent.
    breakOffersWrite: async (store) => {
      const ch = store as ClickHouseStore;
      for (const shard of ch.shards) await shard.request(`RENAME TABLE ${NAME}.offers_write TO ${NAME}.offers_write_away`);
      return async () => {
        for (const shard of ch.shards) await shard.request(`RENAME TABLE ${NAME}.offers_write_away TO ${NAME}.offers_write`);
      };
    },
    leftovers: async (store, customerId) => {
      const ch = store as ClickHouseStore;
      let n = 0;
      for (const shard of ch.shards) n += Number((await shard.select(`SELECT count() AS n FROM ${ch.shardDb}.customers_rows WHERE customer_id = '${customerId}'`)).data[0]?.['n']);
      return n;
    },
    cleanUp: async (store) => {
      const ch = store as ClickHouseStore;
      for (const shard of ch.shards) for (const db of [NAME, ch.shardDb]) await shard.request(`DROP DATABASE IF EXISTS ${db}`);
    },
  },
];

for (const engine of ENGINES) {
  const skip = skipUnlessReady(engine.slot);
  if (skip) console.log(`# ingest-tables: skipping ${engine.slot.engine}: ${skip}`);

  describe(`ingestTables on ${engine.slot.engine}`, { skip }, () => {
    let store: Store;
    const where = join(dir, engine.slot.engine);
    const at = (name: string, lines: readonly string[]) => file(join(engine.slot.engine, name), lines);
    const count = async (table: string) => Number((await store.query<{ n: unknown }>(`SELECT count(*) AS n FROM ${table}`))[0]?.n);
    const counts = async () => ({ customers: await count('customers'), offers: await count('offers'), loads: await count('uprate_loads') });
    const value = async (sql: string) => (await store.query<{ v: unknown }>(sql))[0]?.v ?? null;

    before(async () => {
      mkdirSync(where, { recursive: true });
      store = await engine.open();
    });
    after(async () => {
      if (!store) return;
      await engine.cleanUp(store);
      await store.close();
    });

    test('customers and offers load together, customers first, whatever order they are named in', async () => {
      const progress: IngestProgress[] = [];
      const [customers, offers] = await ingestTables(
        store,
        [
          { table: 'offers', files: [at('offers.csv', [OFFERS, ...offerRows])] },
          { table: 'customers', files: [at('customers.csv', [CUSTOMERS, ...customerRows])] },
        ],
        { onProgress: (p) => progress.push(p) },
      );
      if (engine.slot.engine !== 'duckdb') {
        // Good files are read once: rows are written while checked, and loading starts with rows
        // already sent (a separate writing pass would start it at 0 %).
        assert.ok(progress.filter((p) => p.phase === 'loading').every((p) => p.percent > 0), JSON.stringify(progress));
      }
      assert.deepEqual(
        [customers, offers].map((s) => [s?.table, s?.rowsRead, s?.inserted, s?.updated, s?.unchanged, s?.rejected]),
        [['customers', 4, 4, 0, 0, 0], ['offers', 6, 6, 0, 0, 0]],
      );
      assert.deepEqual(await counts(), { customers: 4, offers: 6, loads: 2 });
    });

    test('loading the same files again: every row unchanged, NULL equal to NULL; nothing updated', async () => {
      const summaries = await ingestTables(store, [
        { table: 'customers', files: [join(where, 'customers.csv')] },
        { table: 'offers', files: [join(where, 'offers.csv')] },
      ]);
      assert.deepEqual(summaries.map((s) => [s.table, s.inserted, s.updated, s.unchanged]), [['customers', 0, 0, 4], ['offers', 0, 0, 6]]);
      assert.deepEqual(await counts(), { customers: 4, offers: 6, loads: 4 });
    });

    test('one changed row in each file: 1 updated, the rest unchanged; the new values are stored', async () => {
      const customers = at('customers-2.csv', [CUSTOMERS, ...customerRows.map((r) => (r.startsWith('c2,') ? 'c2,enterprise,,80,,,,' : r))]);
      const offers = at('offers-2.csv', [OFFERS, ...offerRows.map((r) => (r.startsWith('o2,') ? 'o2,c1,2025-01-03,cross_sell,Seats,email,autumn,,2025-01-04,' : r))]);
      const summaries = await ingestTables(store, [{ table: 'customers', files: [customers] }, { table: 'offers', files: [offers] }]);
      assert.deepEqual(summaries.map((s) => [s.table, s.inserted, s.updated, s.unchanged]), [['customers', 0, 1, 3], ['offers', 0, 1, 5]]);
      assert.equal(await value(`SELECT plan AS v FROM customers WHERE customer_id = 'c2'`), null);
      assert.equal(await value(`SELECT campaign AS v FROM offers WHERE offer_id = 'o2'`), 'autumn');
      assert.deepEqual(await counts(), { customers: 4, offers: 6, loads: 6 });
    });

    test('bad rows in offers: customers are not loaded either, and the error says so', async () => {
      const before = await counts();
      const customers = at('customers-new.csv', [CUSTOMERS, 'c5,smb,,,,,,', 'c1,smb,adoption,55.5,saas,emea,enterprise-plan,100']);
      const offers = at('offers-bad.csv', [OFFERS, 'o7,c5,2025-03-01,upsell,Premium,,,,,', 'o8,c5,2025-03-01,upgrade,Premium,,,,,', 'o9,c5,2025-03-02,upsell,Premium,,,,,-4']);
      const e = await rejects(
        ingestTables(store, [{ table: 'customers', files: [customers] }, { table: 'offers', files: [offers] }]),
        'INVALID_ROWS',
        /2 of 3 offers rows break the data model rules; nothing was loaded \(.*customers-new\.csv was checked and is not loaded either\)[\s\S]*offers-bad\.csv:3 {2}offer_type="upgrade"[\s\S]*offers-bad\.csv:4 {2}revenue="-4"/,
      );
      assert.deepEqual((e.details as { tables: unknown }).tables, [{ table: 'offers', rejected: 2, rowsRead: 3 }]);
      assert.deepEqual(await counts(), before);
      assert.equal(await value(`SELECT plan AS v FROM customers WHERE customer_id = 'c1'`), 'pro');
      assert.equal(await count(`customers WHERE customer_id = 'c5'`), 0);
    });

    test('a failure inside the engine after customers were written leaves nothing of either file', async () => {
      const before = await counts();
      const customers = join(where, 'customers-new.csv');
      const offers = at('offers-clash.csv', [OFFERS, 'o10,c5,2025-03-01,upsell,Premium,,clash,,,', 'o11,c5,2025-03-02,upsell,Premium,,clash,,,']);
      const undo = await engine.breakOffersWrite(store);
      try {
        await rejects(
          ingestTables(store, [{ table: 'customers', files: [customers] }, { table: 'offers', files: [offers] }]),
          'DB_ERROR',
          /nothing of .*customers-new\.csv and .*offers-clash\.csv was loaded: loading offers .*failed/,
        );
      } finally {
        await undo();
      }
      assert.deepEqual(await counts(), before);
      assert.equal(await count(`customers WHERE customer_id = 'c5'`), 0);
      assert.equal(await value(`SELECT plan AS v FROM customers WHERE customer_id = 'c1'`), 'pro');
      if (engine.leftovers) {
        // Invisible at once; deleted by a background mutation shortly after.
        const leftovers = engine.leftovers;
        for (let i = 0; i < 100 && (await leftovers(store, 'c5')) > 0; i++) await new Promise((r) => setTimeout(r, 100));
        assert.equal(await leftovers(store, 'c5'), 0);
      }
    });

    test('with a reject file the good rows of both tables load and the bad rows of both go to it', async () => {
      const before = await counts();
      const rejectFile = join(where, 'rejects.csv');
      const customers = at('customers-mixed.csv', [CUSTOMERS, 'c6,smb,,,,,,', 'c7,smb,,101,,,,']);
      const offers = at('offers-mixed.csv', [OFFERS, 'o12,c6,2025-04-01,upsell,Premium,,,,,', 'o13,c6,2025-04-02,upgrade,Premium,,,,,']);
      const summaries = await ingestTables(store, [{ table: 'customers', files: [customers] }, { table: 'offers', files: [offers] }], { rejectFile });
      assert.deepEqual(summaries.map((s) => [s.table, s.inserted, s.rejected, s.rejectFile]), [['customers', 1, 1, rejectFile], ['offers', 1, 1, rejectFile]]);
      const lines = readFileSync(rejectFile, 'utf8').trim().split('\n');
      assert.equal(lines[0], 'file,line,customer_id,account_size,lifecycle_stage,engagement_score,industry,region,plan,mrr,offer_id,offered_at,offer_type,offer_name,channel,campaign,accepted_at,declined_at,revenue,reasons');
      assert.match(lines[1] ?? '', /customers-mixed\.csv,3,c7,smb,,101,.*engagement_score/);
      assert.match(lines[2] ?? '', /offers-mixed\.csv,3,c6,(,){7}o13,2025-04-02,upgrade,.*offer_type must be one of upsell, cross_sell/);
      assert.equal(lines.length, 3);
      assert.deepEqual(await counts(), { customers: before.customers + 1, offers: before.offers + 1, loads: before.loads + 2 });
    });
  });
}

describe('ingestTables: what is refused before anything is read', () => {
  test('a missing file is named first, before any file is read or any table guessed', async () => {
    const store = await DuckDbStore.open(':memory:');
    try {
      const customers = file('customers-ok.csv', [CUSTOMERS, ...customerRows]);
      await rejects(
        ingestTables(store, [{ table: 'customers', files: [customers] }, { table: 'offers', files: [join(dir, '2025-export.csv')] }]),
        'FILE_NOT_FOUND',
        /2025-export\.csv: file .*2025-export\.csv does not exist\n {2}fix: check the name and the folder/,
      );
      assert.equal(Number((await store.query<{ n: bigint }>('SELECT count(*) AS n FROM customers'))[0]?.n), 0);
    } finally {
      await store.close();
    }
  });

  test('checkFilesExist names every missing file and every folder in one error', () => {
    const present = file('present.csv', [CUSTOMERS]);
    assert.doesNotThrow(() => checkFilesExist([present]));
    assert.throws(
      () => checkFilesExist([present, join(dir, 'a.csv'), dir, join(dir, 'b.csv')]),
      (e: Error & { code?: string; location?: string }) =>
        e.code === 'FILE_NOT_FOUND' &&
        e.location === join(dir, 'a.csv') &&
        e.message === `files ${join(dir, 'a.csv')} and ${join(dir, 'b.csv')} do not exist; ${dir} is a folder, not a file`,
    );
  });

  test('a table named twice, or no file, is a bad argument', async () => {
    const store = await DuckDbStore.open(':memory:');
    try {
      const offers = file('offers-ok.csv', [OFFERS, ...offerRows]);
      await rejects(ingestTables(store, [{ table: 'offers', files: [offers] }, { table: 'offers', files: [offers] }]), 'BAD_ARGUMENT', /table offers is named twice/);
      await rejects(ingestTables(store, []), 'BAD_ARGUMENT', /no input file given/);
    } finally {
      await store.close();
    }
  });
});
