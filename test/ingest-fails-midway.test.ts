/**
 * A load that fails while it writes leaves every stored table as it was, on every engine: the
 * rows (customers, offers), the load log (uprate_loads), the rollup registry and every rollup
 * table. Each engine first takes a good load and builds one of each kind of the shipped model's
 * rollups (so a load refreshes them inside its write); then a second load of both tables fails after customers were
 * written and before offers were done:
 *
 * - the offers file grows, is cut short, or is rewritten in place, once its rows are being
 *   written (after it was checked): DuckDB reads the file again to write it, meets other rows than
 *   it checked, and must roll back — committing there stored a partial load with rows nobody
 *   checked (the ROLLBACK→COMMIT mutant of issue 17). A server engine is sent the rows as they were
 *   checked (written in the same pass), so it loads exactly those and nothing else. (DuckDB does
 *   not yet notice a rewrite that keeps the number of rows: that case is a todo.)
 * - the engine refuses a row of offers midway (DuckDB and PostgreSQL: a constraint added for the
 *   test; ClickHouse 18.16 has none: the offers' storage is detached on every shard).
 *
 * "As it was" is every row of every table read with plain SQL before the load and after it,
 * compared as text (ClickHouse: also the rows stored on each shard, where a failed load's rows are
 * deleted in the background). Expected rows after a load that succeeds are the files' rows,
 * written out by hand here.
 */
import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { openClickHouseStore, type ClickHouseStore } from '../src/engines/clickhouse/index.js';
import { dropCopiesOn } from '../src/engines/clickhouse/clickhouse-rollups.js';
import type { IngestProgress } from '../src/ingest/index.js';
import { ingestTables } from '../src/ingest/index.js';
import { loadModel, shippedModelDir } from '../src/model/index.js';
import { buildRollups } from '../src/rollups/index.js';
import { DuckDbStore, PostgresStore, type Store } from '../src/store/index.js';
import { locateServer, skipUnlessReady, type EngineSlot } from './engines.js';
import { rejects } from './store-assertions.js';
import { ONE_OF_EACH_KIND } from './rollup-reads.js';

const NAME = `uprate_midway_${process.pid}`;
const dir = mkdtempSync(join(tmpdir(), 'uprate-midway-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const CUSTOMERS = 'customer_id,account_size,lifecycle_stage,engagement_score,industry,region,plan,mrr';
const OFFERS = 'offer_id,customer_id,offered_at,offer_type,offer_name,channel,campaign,accepted_at,declined_at,revenue';
const firstCustomers = ['c1,smb,adoption,55.5,saas,emea,pro,100', 'c2,enterprise,,80,,,pro,', 'c3,,,,,,,', 'c4,mid_market,renewal,12.25,retail,amer,basic,49.99'];
const firstOffers = [
  'o1,c1,2025-01-01T10:00:00Z,upsell,Premium,in_app,spring,2025-01-02T10:00:00Z,,120.50',
  'o2,c1,2025-01-03,cross_sell,Seats,email,,,2025-01-04,',
  'o3,c2,2025-01-05T00:30:00Z,upsell,Premium,sales,,,,',
  'o4,c3,2025-02-01,upsell,Premium,,summer,2025-02-03,,10',
  'o5,c4,2025-02-02,cross_sell,Seats,,,,,',
  'o6,c4,2025-02-03,upsell,Premium,email,,,,0',
];

/** How a second load goes wrong. */
type Failure = 'grows' | 'shrinks' | 'rewritten' | 'refused';

/**
 * The second load of a case: a new customer and a changed one; two new offers (in March, a month
 * no rollup partition held) and a changed one (o2 accepted, with revenue: its January partition moves).
 */
function secondLoad(tag: Failure, at: string) {
  const n = { grows: 1, shrinks: 2, rewritten: 3, refused: 4 }[tag]; // c1 and o2 change in every case
  const campaign = tag === 'refused' ? 'clash' : '';
  const customers = [`c-${tag},smb,,,,,,`, `c1,smb,adoption,55.5,saas,emea,pro,${100 + n}`];
  const offers = [
    `o-${tag}-1,c-${tag},2025-03-01,upsell,Premium,,${campaign},2025-03-02,,30`,
    `o2,c1,2025-01-03,cross_sell,Seats,email,,2025-01-05,,${n}`,
    `o-${tag}-2,c-${tag},2025-03-03,cross_sell,Seats,,${campaign},,,`,
  ];
  const customersFile = join(at, `customers-${tag}.csv`);
  const offersFile = join(at, `offers-${tag}.csv`);
  writeFileSync(customersFile, `${[CUSTOMERS, ...customers].join('\n')}\n`);
  writeFileSync(offersFile, `${[OFFERS, ...offers].join('\n')}\n`);
  return { customersFile, offersFile, customers, offers, n };
}

/** Every row of a table (`SELECT *`), each as the text of its values in column order, sorted. */
async function tableRows(query: (sql: string) => Promise<Record<string, unknown>[]>, table: string): Promise<string[]> {
  const rows = await query(`SELECT * FROM ${table}`);
  const text = (v: unknown) => (v instanceof Date ? v.toISOString() : typeof v === 'bigint' ? v.toString() : JSON.stringify(v));
  return rows.map((r) => Object.entries(r).map(([k, v]) => `${k}=${text(v)}`).join(' | ')).sort();
}

/** Fails naming, per table, the rows that appeared and the rows that went. */
function assertSameTables(now: Record<string, string[]>, before: Record<string, string[]>): void {
  const changes: string[] = [];
  for (const table of new Set([...Object.keys(before), ...Object.keys(now)])) {
    const was = before[table] ?? [];
    const is = now[table] ?? [];
    const added = is.filter((r) => !was.includes(r));
    const gone = was.filter((r) => !is.includes(r));
    if (added.length === 0 && gone.length === 0 && is.length === was.length) continue;
    changes.push(`${table}: ${was.length} rows before, ${is.length} now`, ...added.map((r) => `  + ${r.slice(0, 300)}`), ...gone.map((r) => `  - ${r.slice(0, 300)}`));
  }
  assert.ok(changes.length === 0, `the failed load changed the store:\n${changes.join('\n')}`);
}

/** What differs between engines: opening a fresh place, breaking the offers write, what a snapshot reads, cleaning up. */
interface EngineCase {
  readonly slot: EngineSlot;
  open(): Promise<Store>;
  /** Makes writing the offers of the 'refused' load fail inside the engine; returns the undo. */
  refuseOffers(store: Store): Promise<() => Promise<void>>;
  /** The tables read with plain SQL besides the rows, the load log and the rollups. */
  readonly alsoRead: readonly string[];
  /** Storage a failed load may touch and must leave as it was (ClickHouse: each shard's own tables); waited for. */
  storage?(store: Store): Promise<Record<string, string[]>>;
  cleanUp(store: Store): Promise<void>;
}

const postgres = await locateServer('postgres', NAME);
const clickhouse = await locateServer('clickhouse', NAME);

const ENGINES: readonly EngineCase[] = [
  {
    slot: { engine: 'duckdb', ready: { engine: 'duckdb', args: [], where: join(dir, 'midway.duckdb') } },
    open: () => DuckDbStore.open(join(dir, 'midway.duckdb')),
    // Both new offers of the 'refused' load carry campaign 'clash'.
    refuseOffers: async (store) => {
      await store.run('CREATE UNIQUE INDEX midway_clash ON offers (campaign)');
      return () => store.run('DROP INDEX midway_clash');
    },
    alsoRead: [],
    cleanUp: () => Promise.resolve(),
  },
  {
    slot: postgres,
    open: () => PostgresStore.open(postgres.ready?.where ?? ''),
    // Checked for new rows only (NOT VALID): the stored ones are not looked at.
    refuseOffers: async (store) => {
      await store.run(`ALTER TABLE offers ADD CONSTRAINT midway_refused CHECK (offer_id <> 'o-refused-2') NOT VALID`);
      return () => store.run('ALTER TABLE offers DROP CONSTRAINT midway_refused');
    },
    alsoRead: [],
    cleanUp: (store) => store.run(`DROP SCHEMA IF EXISTS ${NAME} CASCADE`),
  },
  {
    slot: clickhouse,
    open: () => openClickHouseStore(clickhouse.ready?.where ?? ''),
    // No constraints on 18.16: the offers' storage goes away on every shard (customers are sent first).
    refuseOffers: async (store) => {
      const ch = store as ClickHouseStore;
      for (const shard of ch.shards) await shard.request(`DETACH TABLE ${ch.shardDb}.offers_rows`);
      return async () => {
        for (const shard of ch.shards) await shard.request(`ATTACH TABLE ${ch.shardDb}.offers_rows`);
      };
    },
    alsoRead: ['uprate_loads_all'],
    storage: async (store) => {
      const ch = store as ClickHouseStore;
      const out: Record<string, string[]> = {};
      for (const [i, shard] of ch.shards.entries()) {
        for (const table of ['customers_rows', 'offers_rows', 'loads']) {
          out[`shard ${i + 1} ${table}`] = await tableRows(async (sql) => (await shard.select(sql)).data as Record<string, unknown>[], `${ch.shardDb}.${table}`);
        }
      }
      return out;
    },
    cleanUp: async (store) => {
      const ch = store as ClickHouseStore;
      for (const shard of ch.shards) {
        for (const db of [NAME, ch.shardDb]) await shard.request(`DROP DATABASE IF EXISTS ${db}`);
        // The copies of the rows the rollups' refreshes left (databases of their own).
        await dropCopiesOn(shard, NAME);
      }
    },
  },
];

for (const engine of ENGINES) {
  const skip = skipUnlessReady(engine.slot);
  if (skip) console.log(`# ingest-fails-midway: skipping ${engine.slot.engine}: ${skip}`);

  describe(`a load that fails midway on ${engine.slot.engine}`, { skip }, () => {
    let store: Store;
    const where = join(dir, engine.slot.engine);
    const serverEngine = engine.slot.engine !== 'duckdb';

    /** Every stored table as text: rows, load log, rollup registry and each rollup's rows. */
    const snapshot = async (): Promise<Record<string, string[]>> => {
      const query = (sql: string) => store.query(sql);
      const rollupTables = (await store.query<{ t: string }>('SELECT table_name AS t FROM uprate_rollups ORDER BY table_name')).map((r) => String(r.t));
      assert.ok(rollupTables.length > 0, 'the shipped model builds rollups');
      const out: Record<string, string[]> = {};
      for (const table of ['customers', 'offers', 'uprate_loads', ...engine.alsoRead, 'uprate_rollups', ...rollupTables]) out[table] = await tableRows(query, table);
      return out;
    };
    const offerIds = async () => (await store.query<{ id: string }>('SELECT offer_id AS id FROM offers ORDER BY offer_id')).map((r) => r.id);
    const value = async (sql: string) => (await store.query<{ v: unknown }>(sql))[0]?.v ?? null;

    /** Asserts the store holds exactly `before`; storage a failed load wrote to is waited for (background deletes). */
    const assertUnchanged = async (before: Record<string, string[]>, storageBefore: Record<string, string[]> | undefined) => {
      assertSameTables(await snapshot(), before);
      if (engine.storage && storageBefore) {
        const storage = engine.storage;
        let now = await storage(store);
        for (let i = 0; i < 100 && JSON.stringify(now) !== JSON.stringify(storageBefore); i++) {
          await new Promise((r) => setTimeout(r, 100));
          now = await storage(store);
        }
        assertSameTables(now, storageBefore);
      }
    };

    /** onProgress that runs `change` once, when the offers' rows start being written into the store. */
    const whenOffersWritten = (change: () => void) => {
      const seen = { changed: false };
      const onProgress = (p: IngestProgress) => {
        if (!seen.changed && p.table === 'offers' && p.phase === 'loading') {
          seen.changed = true;
          change();
        }
      };
      return { seen, onProgress };
    };

    before(async () => {
      mkdirSync(where, { recursive: true });
      store = await engine.open();
      const customers = join(where, 'customers.csv');
      const offers = join(where, 'offers.csv');
      writeFileSync(customers, `${[CUSTOMERS, ...firstCustomers].join('\n')}\n`);
      writeFileSync(offers, `${[OFFERS, ...firstOffers].join('\n')}\n`);
      const summaries = await ingestTables(store, [
        { table: 'customers', files: [customers] },
        { table: 'offers', files: [offers] },
      ]);
      assert.deepEqual(summaries.map((s) => [s.table, s.inserted]), [['customers', 4], ['offers', 6]]);
      await buildRollups(store, await loadModel(shippedModelDir()), ONE_OF_EACH_KIND);
    });
    after(async () => {
      if (!store) return;
      await engine.cleanUp(store);
      await store.close();
    });

    const changes = [
      { failure: 'grows', what: 'grows' },
      { failure: 'shrinks', what: 'is cut short' },
      { failure: 'rewritten', what: 'is rewritten in place, as many rows, one breaking the rules,' },
    ] as const;
    for (const { failure, what } of changes) {
      const title = serverEngine
        ? `the offers file ${what} once its rows are being written: exactly the rows checked are loaded`
        : `the offers file ${what} once its rows are being written: the load fails and every table is as it was`;
      // DuckDB's writing pass counts the rows it reads again but checks no rule on them: a file
      // rewritten with as many rows is caught by its version (size, times, inode) before the commit.
      test(title, async () => {
        const load = secondLoad(failure, where);
        const { seen, onProgress } = whenOffersWritten(() => {
          if (failure === 'grows') appendFileSync(load.offersFile, `o-${failure}-late,c1,2025-03-05,upsell,Premium,,,,,\n`);
          else if (failure === 'shrinks') writeFileSync(load.offersFile, `${[OFFERS, load.offers[0]].join('\n')}\n`);
          else writeFileSync(load.offersFile, `${[OFFERS, `o-${failure}-1,c-${failure},2025-03-01,upgrade,Premium,,,2025-03-02,,-4`, ...load.offers.slice(1)].join('\n')}\n`);
        });
        const before = await snapshot();
        const storageBefore = await engine.storage?.(store);
        const offersLogged = async () => (await store.query<{ r: unknown }>(`SELECT rows_read AS r FROM uprate_loads WHERE table_name = 'offers'`)).map((r) => Number(r.r)).sort((a, b) => a - b);
        const loggedBefore = await offersLogged();
        const idsBefore = await offerIds();
        const tables = [
          { table: 'customers' as const, files: [load.customersFile] },
          { table: 'offers' as const, files: [load.offersFile] },
        ];
        if (!serverEngine) {
          await rejects(ingestTables(store, tables, { onProgress }), 'FILE_FORMAT', /nothing of .* was loaded: the input changed while it was being loaded/);
          assert.ok(seen.changed, 'the file was changed while the offers were written');
          await assertUnchanged(before, storageBefore);
          return;
        }
        const summaries = await ingestTables(store, tables, { onProgress });
        assert.ok(seen.changed, 'the file was changed while the offers were written');
        assert.deepEqual(summaries.map((s) => [s.table, s.rowsRead, s.inserted, s.updated, s.unchanged]), [
          ['customers', 2, 1, 1, 0],
          ['offers', 3, 2, 1, 0],
        ]);
        // The two new offers of the file as checked; not the one added later, nor any lost by the cut.
        assert.deepEqual(await offerIds(), [...idsBefore, `o-${failure}-1`, `o-${failure}-2`].sort());
        assert.equal(Number(await value(`SELECT revenue AS v FROM offers WHERE offer_id = 'o2'`)), load.n);
        const first = await store.query(`SELECT offer_type, revenue FROM offers WHERE offer_id = 'o-${failure}-1'`);
        assert.deepEqual(first.map((r) => [r['offer_type'], Number(r['revenue'])]), [['upsell', 30]]);
        assert.equal(Number(await value(`SELECT mrr AS v FROM customers WHERE customer_id = 'c1'`)), 100 + load.n);
        // One more entry per table; the offers' one counts the 3 rows checked, not the file as it is now.
        assert.equal((await snapshot())['uprate_loads']?.length, (before['uprate_loads']?.length ?? 0) + 2);
        assert.deepEqual(await offersLogged(), [...loggedBefore, 3].sort((a, b) => a - b));
      });
    }

    test('the engine refuses an offer after customers were written: every table is as it was', async () => {
      const load = secondLoad('refused', where);
      const before = await snapshot();
      const storageBefore = await engine.storage?.(store);
      const undo = await engine.refuseOffers(store);
      try {
        await rejects(
          ingestTables(store, [
            { table: 'customers', files: [load.customersFile] },
            { table: 'offers', files: [load.offersFile] },
          ]),
          'DB_ERROR',
          /nothing of .*customers-refused\.csv and .*offers-refused\.csv was loaded: loading offers .*failed/,
        );
      } finally {
        await undo();
      }
      await assertUnchanged(before, storageBefore);
      assert.equal(await value(`SELECT count(*) AS v FROM customers WHERE customer_id = 'c-refused'`).then(Number), 0);
    });
  });
}
