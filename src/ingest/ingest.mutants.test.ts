/**
 * ingestTables on a real DuckDB store over small files written here: what is refused before a row
 * is read (exact messages and hints), the summaries in load order, the reject file named only when
 * rows went to it, progress at the end, the forced format, admit checks, a read-only store, and an
 * engine failure on one table left as it is.
 */
import assert from 'node:assert/strict';
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, mock, test } from 'node:test';
import { CUSTOMERS_HEADER as CUSTOMERS, OFFERS_HEADER as OFFERS, tempFolder } from '../../test/ingest-fixtures.js';
import { UprateError } from '../core/errors.js';
import type { TableSpec } from '../core/schema.js';
import { DuckDbStore, type BulkFileFormat, type BulkLoad, type BulkLoadingStore, type LoadCounts, type Store } from '../store/index.js';
import type { IngestProgress, IngestSummary } from './ingest-options.js';
import { ingestFiles, ingestTables, LOAD_ORDER } from './ingest.js';

const { dir, writeLines: file } = tempFolder('ingest-mutants');

const customers = file('customers.csv', [CUSTOMERS, 'c1,smb,,,,,,', 'c2,,,50,,,,']);
const offers = file('offers.csv', [OFFERS, 'o1,c1,2025-01-01,upsell,A,,one,,,1', 'o2,c2,2025-01-02,cross_sell,B,,two,,,', 'o3,c1,2025-01-03,upsell,C,,three,,,']);

async function withStore<T>(fn: (store: DuckDbStore) => Promise<T>): Promise<T> {
  const store = await DuckDbStore.open(':memory:');
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

async function failure(p: Promise<unknown>): Promise<UprateError> {
  const e = await p.then(
    () => assert.fail('expected an error'),
    (x: unknown) => x,
  );
  assert.ok(e instanceof UprateError, String(e));
  return e;
}

/** A summary without its timing. */
const brief = (s: IngestSummary) => {
  const { seconds, rowsPerSecond, ...rest } = s;
  assert.ok(seconds >= 0 && rowsPerSecond >= 0);
  return rest;
};

describe('refused before anything is read', () => {
  test('no table, or a table without files: no input file given', async () => {
    await withStore(async (store) => {
      for (const tables of [[], [{ table: 'offers' as const, files: [] }], [{ table: 'customers' as const, files: [customers] }, { table: 'offers' as const, files: [] }]]) {
        const e = await failure(ingestTables(store, tables));
        assert.deepEqual([e.code, e.message, e.hint], ['BAD_ARGUMENT', 'no input file given', 'name one or more files']);
      }
    });
  });

  test('a table named twice', async () => {
    await withStore(async (store) => {
      const e = await failure(ingestTables(store, [{ table: 'customers', files: [customers] }, { table: 'offers', files: [offers] }, { table: 'customers', files: [customers] }]));
      assert.deepEqual([e.code, e.message, e.hint], ['BAD_ARGUMENT', 'table customers is named twice in one load', "list all of its files once: { table: 'customers', files: [...] }"]);
    });
  });

  test("a name without a known extension, unless the format is given; then the content must match it", async () => {
    const txt = file('customers.txt', [CUSTOMERS, 'c7,,,,,,,']);
    await withStore(async (store) => {
      const e = await failure(ingestFiles(store, { table: 'customers', files: [txt] }));
      assert.deepEqual([e.code, e.message], ['FILE_FORMAT', `cannot tell the format of ${txt} from its name`]);
      const s = await ingestFiles(store, { table: 'customers', files: [txt], format: 'csv' });
      assert.deepEqual([s.rowsRead, s.inserted], [1, 1]);
      const wrong = await failure(ingestFiles(store, { table: 'customers', files: [txt], format: 'json' }));
      assert.deepEqual([wrong.code, wrong.message], ['FILE_FORMAT', `file ${txt} is named as a JSON array but its content looks like CSV text`]);
    });
  });

  test('a read-only store refuses, naming the feature (the demo load for via demo)', async () => {
    const path = join(dir, 'ro.duckdb');
    await (await DuckDbStore.open(path)).close();
    const store = await DuckDbStore.open(path, { readOnly: true });
    try {
      const e = await failure(ingestFiles(store, { table: 'customers', files: [customers] }));
      assert.equal(e.code, 'READ_ONLY');
      assert.match(e.message, /^ingest needs uprate's own tables, but the database is open read-only/);
      const demo = await failure(ingestFiles(store, { table: 'customers', files: [customers], via: 'demo' }));
      assert.match(demo.message, /^demo load needs uprate's own tables/);
    } finally {
      await store.close();
    }
  });
});

describe('summaries', () => {
  test('customers first whatever the order given; counts as the files hold them; done at 100 %', async () => {
    assert.deepEqual(LOAD_ORDER, ['customers', 'offers']);
    await withStore(async (store) => {
      const heard: IngestProgress[] = [];
      const rejectFile = join(dir, 'never.csv');
      const summaries = await ingestTables(store, [{ table: 'offers', files: [offers] }, { table: 'customers', files: [customers] }], { onProgress: (p) => heard.push(p), rejectFile });
      assert.deepEqual(summaries.map(brief), [
        { table: 'customers', files: [customers], rowsRead: 2, inserted: 2, updated: 0, unchanged: 0, rejected: 0 },
        { table: 'offers', files: [offers], rowsRead: 3, inserted: 3, updated: 0, unchanged: 0, rejected: 0 },
      ]);
      assert.deepEqual(heard.filter((p) => p.phase === 'done'), [
        { table: 'customers', phase: 'done', percent: 100, rows: 2 },
        { table: 'offers', phase: 'done', percent: 100, rows: 3 },
      ]);
      const again = await ingestFiles(store, { table: 'offers', files: [offers] });
      assert.deepEqual(brief(again), { table: 'offers', files: [offers], rowsRead: 3, inserted: 0, updated: 0, unchanged: 3, rejected: 0 });
    });
  });

  test('the reject file is named in the summary of a table whose rows went to it', async () => {
    const mixed = file('mixed.csv', [OFFERS, 'm1,c1,2025-01-01,upsell,A,,,,,', 'm2,c1,2025-01-01,upgrade,A,,,,,']);
    const rejectFile = join(dir, 'rejects.csv');
    await withStore(async (store) => {
      const [c, o] = await ingestTables(store, [{ table: 'customers', files: [customers] }, { table: 'offers', files: [mixed] }], { rejectFile });
      assert.deepEqual(c && brief(c), { table: 'customers', files: [customers], rowsRead: 2, inserted: 2, updated: 0, unchanged: 0, rejected: 0 });
      assert.deepEqual(o && brief(o), { table: 'offers', files: [mixed], rowsRead: 2, inserted: 1, updated: 0, unchanged: 0, rejected: 1, rejectFile });
    });
  });

  test('bad rows without a reject file: INVALID_ROWS with the maxErrors asked for', async () => {
    const bad = file('bad.csv', [OFFERS, 'b1,,2025-01-01,upgrade,A,,,,,']);
    await withStore(async (store) => {
      const e = await failure(ingestFiles(store, { table: 'offers', files: [bad], maxErrors: 1, via: 'http' }));
      assert.equal(e.code, 'INVALID_ROWS');
      assert.equal(e.message, `1 of 1 offers rows break the data model rules; nothing was loaded\n  ${bad}:2  customer_id=(empty)  is required`);
      assert.match(e.hint ?? '', /^correct those rows and run the command again/);
    });
  });

  test('replace swaps every stored row for the files', async () => {
    await withStore(async (store) => {
      await ingestFiles(store, { table: 'offers', files: [offers] });
      const one = file('one.csv', [OFFERS, 'o9,c1,2025-01-01,upsell,A,,,,,']);
      await ingestFiles(store, { table: 'offers', files: [one], replace: true });
      const rows = await store.query<{ offer_id: string }>('SELECT offer_id FROM offers ORDER BY offer_id');
      assert.deepEqual(rows.map((r) => r.offer_id), ['o9']);
    });
  });
});

describe('admit and engine failures', () => {
  test('admit sees the distinct values to write; a throw refuses the load and nothing is written', async () => {
    await withStore(async (store) => {
      const seen: (string | null)[][] = [];
      const refusal = new UprateError('FORBIDDEN', 'customer c2 belongs to another tenant');
      const e = await ingestFiles(store, {
        table: 'offers',
        files: [offers],
        admit: async (rows) => {
          seen.push((await rows.distinct('customer_id')).sort());
          throw refusal;
        },
      }).then(
        () => assert.fail('expected the refusal'),
        (x: unknown) => x,
      );
      assert.equal(e, refusal);
      assert.deepEqual(seen, [['c1', 'c2']]);
      const [row] = await store.query<{ n: bigint }>('SELECT count(*) AS n FROM offers');
      assert.equal(Number(row?.n), 0);
    });
  });

  test("one table's engine failure is reported as it is, not as 'nothing of … was loaded'", async () => {
    const clash = file('clash.csv', [OFFERS, 'x1,c1,2025-01-01,upsell,A,,same,,,', 'x2,c1,2025-01-01,upsell,A,,same,,,']);
    await withStore(async (store) => {
      await store.run('CREATE UNIQUE INDEX offers_clash ON offers (campaign)');
      const e = await failure(ingestFiles(store, { table: 'offers', files: [clash] }));
      assert.equal(e.code, 'DB_ERROR');
      assert.doesNotMatch(e.message, /^nothing of/);
      const both = await failure(ingestTables(store, [{ table: 'customers', files: [customers] }, { table: 'offers', files: [clash] }]));
      assert.equal(both.code, 'DB_ERROR');
      assert.ok(both.message.startsWith(`nothing of ${customers} and ${clash} was loaded: `), both.message);
    });
  });
});

/**
 * A server engine as ingest sees it (PostgreSQL and ClickHouse are not run by the unit tests): it
 * records each bulk load it is handed — the files' text, read when handed over — waits for the
 * load's verification as a real one does before making anything visible, and loads nothing when
 * that rejects or when `fail` says so. The checking and writing is the real in-memory DuckDB of
 * ingest's own checker.
 */
interface Received {
  readonly loads: readonly BulkLoad[];
  /** Each load's files' text, as handed over. */
  readonly texts: readonly string[];
  /** Whether the store made the loads visible (their verification passed and nothing failed). */
  committed: boolean;
}

interface ServerOptions {
  /** The store's own file format (without it the store has no bulkFileFormat). */
  readonly format?: (spec: TableSpec) => BulkFileFormat;
  /** Fails the n-th bulk load (0-based) with this error, after the verification. */
  readonly fail?: (n: number) => unknown;
  /** Runs when the loads are handed over, before anything is read. */
  readonly onReceive?: (loads: readonly BulkLoad[]) => void;
  /** Each load's progress reported by the store, as fractions of its rows sent. */
  readonly sent?: readonly number[];
  /** The counts answered (default: every row inserted). */
  readonly counts?: (loads: readonly BulkLoad[]) => LoadCounts[];
}

function serverStore(options: ServerOptions = {}): BulkLoadingStore & { readonly received: Received[] } {
  const received: Received[] = [];
  const unused = () => Promise.reject(new Error('the stand-in server runs no SQL'));
  return {
    engine: 'postgres',
    target: 'stand-in server',
    readOnly: false,
    readOnlyReason: undefined,
    featuresOff: [],
    received,
    query: unused,
    run: unused,
    dataVersion: () => Promise.resolve(1),
    lastLoad: () => Promise.resolve(null),
    ensureOwnTables: () => Promise.resolve(),
    close: () => Promise.resolve(),
    ...(options.format ? { bulkFileFormat: options.format } : {}),
    async bulkLoad(loads) {
      options.onReceive?.(loads);
      const got: Received = { loads, texts: loads.map((l) => l.files.map((f) => readFileSync(f, 'utf8')).join('')), committed: false };
      received.push(got);
      for (const l of loads) for (const f of options.sent ?? []) l.onProgress?.(f);
      await Promise.all(loads.map((l) => l.verified));
      const failure = options.fail?.(received.length - 1);
      if (failure !== undefined) throw failure;
      got.committed = true;
      return options.counts ? options.counts(loads) : loads.map((l) => ({ inserted: l.rows, updated: 0, unchanged: 0 }));
    },
  };
}

/** A file's lines after the header, sorted (the one pass writes rows in any order). */
const rowsOf = (text: string, header = true) => text.split('\n').filter((l) => l !== '').slice(header ? 1 : 0).sort();

describe('on a server engine (a bulk-loading store)', () => {
  // Written out by hand: the default CSV is a header with the table's columns in schema order,
  // then the typed values — NULL as an empty field, a number as DuckDB writes a DOUBLE (50.0),
  // timestamps as UTC wall time, decimals with their scale.
  const customersHeader = 'customer_id,account_size,lifecycle_stage,engagement_score,industry,region,plan,mrr';
  const offersHeader = 'offer_id,customer_id,offered_at,offer_type,offer_name,channel,campaign,accepted_at,declined_at,revenue';

  test('a store that neither is DuckDB nor takes bulk loads is refused: ENGINE_UNAVAILABLE, naming engine and target', async () => {
    const { bulkLoad: _none, ...plain } = serverStore();
    const store: Store = { ...plain, engine: 'clickhouse', target: 'http://ch.example:8123' };
    const e = await failure(ingestFiles(store, { table: 'customers', files: [customers] }));
    assert.deepEqual([e.code, e.message, e.hint], [
      'ENGINE_UNAVAILABLE',
      'the clickhouse store at http://ch.example:8123 cannot load files yet',
      'load the files with another engine, or use --engine duckdb',
    ]);
  });

  test('the usual load: one pass, one bulk load of both tables in the default CSV, verified, from a scratch folder removed afterwards', async () => {
    const offersJson = file('offers.ndjson', [
      '{"offer_id":"o1","customer_id":"c1","offered_at":"2025-01-01","offer_type":"upsell","offer_name":"A","revenue":"1"}',
      '{"offer_id":"o2","customer_id":"c2","offered_at":"2025-01-02T10:00:00Z","offer_type":"cross_sell","offer_name":"B","campaign":"two"}',
    ]);
    const store = serverStore({ sent: [0.5] });
    const heard: IngestProgress[] = [];
    const summaries = await ingestTables(store, [{ table: 'offers', files: [offersJson] }, { table: 'customers', files: [customers] }], { onProgress: (p) => heard.push(p), via: 'api' });
    assert.equal(store.received.length, 1, 'one bulk load, of both tables');
    const [got] = store.received;
    assert.ok(got?.committed);
    assert.deepEqual(got.loads.map((l) => [l.table.name, l.rows, l.replace, l.log]), [
      ['customers', 2, false, { source: customers, via: 'api', rowsRead: 2, rejected: 0 }],
      ['offers', 2, false, { source: offersJson, via: 'api', rowsRead: 2, rejected: 0 }],
    ]);
    // The store's verification: the keys read back distinct.
    for (const l of got.loads) {
      assert.ok(l.verified instanceof Promise);
      assert.equal(await l.verified, undefined);
      assert.deepEqual(l.format, { columns: l.table.columns.map((col) => ({ name: col.name, sql: col.name })), header: true });
    }
    assert.deepEqual(got.texts.map((t) => t.split('\n')[0]), [customersHeader, offersHeader]);
    assert.deepEqual(rowsOf(got.texts[0] ?? ''), ['c1,smb,,,,,,', 'c2,,,50.0,,,,']);
    assert.deepEqual(rowsOf(got.texts[1] ?? ''), ['o1,c1,2025-01-01 00:00:00,upsell,A,,,,,1.00', 'o2,c2,2025-01-02 10:00:00,cross_sell,B,,two,,,']);
    // Written by the one pass into a folder of its own, in a private scratch folder that is gone afterwards.
    for (const [i, l] of got.loads.entries()) {
      const name = ['customers', 'offers'][i] ?? '';
      assert.ok(l.files.length > 0);
      for (const f of l.files) {
        assert.ok(f.startsWith(join(tmpdir(), 'uprate-load-')), f);
        assert.match(f, new RegExp(`/uprate-load-[^/]+/one-pass/${name}/`));
        assert.equal(existsSync(f), false, `${f} is removed`);
      }
    }
    assert.deepEqual(summaries.map(brief), [
      { table: 'customers', files: [customers], rowsRead: 2, inserted: 2, updated: 0, unchanged: 0, rejected: 0 },
      { table: 'offers', files: [offersJson], rowsRead: 2, inserted: 2, updated: 0, unchanged: 0, rejected: 0 },
    ]);
    // The one pass reports from 0 % of the loading phase: half the rows sent is 50 %.
    assert.deepEqual(heard.filter((p) => p.phase === 'loading'), [
      { table: 'customers', phase: 'loading', percent: 50, rows: 1 },
      { table: 'offers', phase: 'loading', percent: 50, rows: 1 },
    ]);
  });

  test("a store's own format: the files hold its columns, as its SQL computes them, without a header", async () => {
    // The key among the columns under its own name, as BulkFileFormat asks.
    const store = serverStore({
      format: (spec) => ({ columns: [{ name: spec.key, sql: spec.key }, { name: 'up', sql: `upper(${spec.key})` }], header: false }),
    });
    await ingestTables(store, [{ table: 'customers', files: [customers] }]);
    assert.equal(store.received.length, 1);
    assert.deepEqual(rowsOf(store.received[0]?.texts[0] ?? '', false), ['c1,C1', 'c2,C2']);
  });

  test("a value past the store's limits is a bad row: INVALID_ROWS naming the store's rule; with a reject file the rest loads", async () => {
    const limited = (spec: TableSpec): BulkFileFormat => ({
      columns: spec.columns.map((col) => ({ name: col.name, sql: col.name })),
      header: true,
      ...(spec.name === 'offers' ? { limits: [{ column: 'offered_at', rule: 'must be in 2025 or later', refuses: (v: string) => `${v} < TIMESTAMP '2025-01-01'` }] } : {}),
    });
    const early = file('early.csv', [OFFERS, 'e1,c1,2024-12-31,upsell,A,,,,,', 'e2,c1,2025-01-01,upsell,A,,,,,']);
    const store = serverStore({ format: limited });
    const e = await failure(ingestTables(store, [{ table: 'offers', files: [early] }]));
    assert.equal(e.code, 'INVALID_ROWS');
    assert.match(e.message, /^1 of 2 offers rows break the data model rules; nothing was loaded\n {2}.*early\.csv:2 {2}offered_at="2024-12-31" {2}must be in 2025 or later$/);
    assert.equal(store.received.length, 0);
    const [summary] = await ingestTables(store, [{ table: 'offers', files: [early] }], { rejectFile: join(dir, 'early-rejects.csv') });
    assert.equal(summary?.rejected, 1);
    assert.deepEqual(store.received.map((r) => rowsOf(r.texts[0] ?? '')), [['e2,c1,2025-01-01 00:00:00,upsell,A,,,,,']]);
  });

  test('a bad row with a reject file: two passes — the good rows written again and sent once, unverified; writing is the first fifth of the loading phase', async () => {
    const mixed = file('server-mixed.csv', [OFFERS, 'm1,c1,2025-01-01,upsell,A,,,,,', 'm2,c1,2025-01-01,upgrade,A,,,,,', 'm3,c2,2025-01-02,upsell,B,,,,,2.5']);
    const rejectFile = join(dir, 'server-rejects.csv');
    const store = serverStore({ sent: [0.5] });
    const heard: IngestProgress[] = [];
    const summaries = await ingestTables(store, [{ table: 'customers', files: [customers] }, { table: 'offers', files: [mixed], replace: true }], { rejectFile, onProgress: (p) => heard.push(p) });
    assert.equal(store.received.length, 1, 'nothing is sent by the one pass, which stopped at the bad row');
    const [got] = store.received;
    assert.ok(got?.committed);
    assert.deepEqual(got.loads.map((l) => [l.table.name, l.rows, l.replace, 'verified' in l]), [
      ['customers', 2, false, false],
      ['offers', 2, true, false],
    ]);
    assert.deepEqual(rowsOf(got.texts[1] ?? ''), ['m1,c1,2025-01-01 00:00:00,upsell,A,,,,,', 'm3,c2,2025-01-02 00:00:00,upsell,B,,,,,2.50']);
    for (const [i, l] of got.loads.entries()) {
      for (const f of l.files) {
        assert.match(f, new RegExp(`/uprate-load-[^/]+/${['customers', 'offers'][i] ?? ''}/`));
        assert.equal(existsSync(f), false, `${f} is removed`);
      }
    }
    // Writing reports 0 % of the loading phase (its first report, and its timer's while DuckDB
    // writes, on a slow machine); the store's half of the rows sent is 20 + 80 × 0.5 = 60 %.
    const loading = heard.filter((p) => p.phase === 'loading');
    const writing = loading.slice(0, -2);
    assert.deepEqual(writing.filter((p) => p.rows === undefined), [
      { table: 'customers', phase: 'loading', percent: 0 },
      { table: 'offers', phase: 'loading', percent: 0 },
    ]);
    for (const p of writing) assert.equal(p.percent, 0);
    assert.deepEqual(loading.slice(-2), [
      { table: 'customers', phase: 'loading', percent: 60, rows: 1 },
      { table: 'offers', phase: 'loading', percent: 60, rows: 1 },
    ]);
    assert.deepEqual(summaries.map(brief), [
      { table: 'customers', files: [customers], rowsRead: 2, inserted: 2, updated: 0, unchanged: 0, rejected: 0 },
      { table: 'offers', files: [mixed], rowsRead: 3, inserted: 2, updated: 0, unchanged: 0, rejected: 1, rejectFile },
    ]);
  });

  test("a repeated key: the one pass's load fails its verification and commits nothing; the two passes send each key's last row", async () => {
    const twice = file('server-twice.csv', [OFFERS, 'd1,c1,2025-01-01,upsell,First,,,,,', 'd2,c2,2025-01-02,upsell,B,,,,,', 'd1,c1,2025-01-03,upsell,Last,,,,,']);
    const store = serverStore();
    const [summary] = await ingestTables(store, [{ table: 'offers', files: [twice] }]);
    assert.deepEqual(store.received.map((r) => [r.committed, r.loads.map((l) => [l.rows, 'verified' in l])]), [
      [false, [[3, true]]],
      [true, [[2, false]]],
    ]);
    await assert.rejects(store.received[0]?.loads[0]?.verified ?? Promise.resolve(), /a key repeats in the rows written/);
    assert.deepEqual(rowsOf(store.received[1]?.texts[0] ?? ''), ['d1,c1,2025-01-03 00:00:00,upsell,Last,,,,,', 'd2,c2,2025-01-02 00:00:00,upsell,B,,,,,']);
    assert.deepEqual(summary && brief(summary), { table: 'offers', files: [twice], rowsRead: 3, inserted: 2, updated: 0, unchanged: 0, rejected: 0 });
  });

  test('written rows that do not read back as written stop the one pass; the two passes load the files again', async () => {
    const one = file('server-one-customer.csv', [CUSTOMERS, 'c1,smb,,,,,,']);
    let cut = false;
    // Empties the offers rows written by the one pass as they are handed over, before their keys are read back.
    const store = serverStore({
      onReceive: (loads) => {
        if (cut) return;
        cut = true;
        for (const f of loads[1]?.files ?? []) writeFileSync(f, `${offersHeader}\n`);
      },
    });
    const summaries = await ingestTables(store, [{ table: 'customers', files: [one] }, { table: 'offers', files: [offers] }]);
    assert.deepEqual(store.received.map((r) => r.committed), [false, true]);
    assert.equal(rowsOf(store.received[1]?.texts[1] ?? '').length, 3);
    assert.deepEqual(summaries.map((s) => s.inserted), [1, 3]);
  });

  test('an engine failure with distinct keys is reported as it is and not tried again', async () => {
    const refused = new UprateError('DB_ERROR', 'the server refused');
    const store = serverStore({ fail: () => refused });
    const e = await failure(ingestTables(store, [{ table: 'offers', files: [offers] }]));
    assert.equal(e, refused);
    assert.equal(store.received.length, 1);
  });

  test("a failure of a load of two tables: uprate's own errors say nothing was loaded (keeping location, hint, details, cause); bad rows, a lost server and other errors pass as they are", async () => {
    const both = [{ table: 'customers' as const, files: [customers] }, { table: 'offers' as const, files: [offers] }];
    const thrownBy = (error: unknown) => ingestTables(serverStore({ fail: () => error }), both).then(
      () => assert.fail('expected an error'),
      (x: unknown) => x,
    );
    for (const asItIs of [new Error('socket hang up'), new UprateError('INVALID_ROWS', 'bad rows'), new UprateError('ENGINE_UNAVAILABLE', 'the server went away')]) {
      assert.equal(await thrownBy(asItIs), asItIs);
    }
    const cause = new Error('duplicate key value');
    const full = new UprateError('DB_ERROR', 'the server refused', { location: 'offers', hint: 'look at the server log', details: { sqlState: '23505' }, cause });
    const wrapped = await thrownBy(full);
    assert.ok(wrapped instanceof UprateError);
    assert.deepEqual([wrapped.code, wrapped.message, wrapped.location, wrapped.hint, wrapped.details, wrapped.cause], [
      'DB_ERROR',
      `nothing of ${customers} and ${offers} was loaded: the server refused`,
      'offers',
      'look at the server log',
      { sqlState: '23505' },
      cause,
    ]);
    const bare = new UprateError('DB_ERROR', 'the server refused');
    const plain = await thrownBy(bare);
    assert.ok(plain instanceof UprateError);
    assert.deepEqual([plain.message, plain.location, plain.hint, plain.details, plain.cause], [`nothing of ${customers} and ${offers} was loaded: the server refused`, undefined, undefined, undefined, bare]);
  });

  test('a header the one pass cannot open is reported by the checking pass, as on DuckDB', async () => {
    const headless = file('server-headless.csv', ['offer_id,customer_id,offered_at,offer_name', 'h1,c1,2025-01-01,A']);
    const store = serverStore();
    const e = await failure(ingestTables(store, [{ table: 'offers', files: [headless] }]));
    assert.deepEqual([e.code, e.message, e.location], ['BAD_HEADER', 'missing required column offer_type for table offers', headless]);
    assert.equal(store.received.length, 0);
  });

  test('a file that grows between the checking pass and the writing pass is refused: the input changed', async () => {
    const growing = file('server-growing.csv', [OFFERS, 'g1,c1,2025-01-01,upsell,A,,,,,', 'g2,c1,2025-01-01,upgrade,A,,,,,', 'g3,c1,2025-01-01,upsell,A,,,,,']);
    const store = serverStore();
    const e = await failure(
      ingestTables(store, [{ table: 'offers', files: [growing], admit: () => Promise.resolve(appendFileSync(growing, 'g4,c1,2025-01-01,upsell,A,,,,,\n')) }], { rejectFile: join(dir, 'growing-rejects.csv') }),
    );
    assert.deepEqual([e.code, e.message], ['FILE_FORMAT', 'the input changed while it was being loaded (2 good rows checked, 3 read the second time)']);
    assert.equal(store.received.length, 0);
  });

  test("writing the good rows for the store is the loading phase's first fifth: DuckDB's progress while writing is reported as 0–20 %", async () => {
    // A bad row, so the good rows are written in a second pass (sendRows); enough rows for a
    // 150 ms progress tick to land while they are written (tried again if none did).
    const lines = [OFFERS, 'bad,c1,not-a-date,upsell,A,,,,,'];
    for (let i = 0; i < 600_000; i++) lines.push(`p${i},c${i % 5000},2025-01-01,upsell,A,,,,,`);
    const big = file('server-progress.csv', lines);
    const heardWriting: number[] = [];
    for (let attempt = 0; attempt < 6 && !heardWriting.some((p) => p > 0); attempt++) {
      const store = serverStore(); // it reports nothing sent: every loading report is the writing's
      await ingestTables(store, [{ table: 'offers', files: [big] }], {
        rejectFile: join(dir, `progress-rejects-${attempt}.csv`),
        onProgress: (p) => {
          if (p.phase === 'loading') heardWriting.push(p.percent);
        },
      });
      assert.equal(store.received[0]?.loads[0]?.rows, 600_000);
    }
    assert.ok(heardWriting.some((p) => p > 0), `no progress heard while writing: ${JSON.stringify(heardWriting)}`);
    for (const p of heardWriting) assert.ok(p >= 0 && p <= 20, `a writing report of ${p} %`);
  });

  test('a store answering fewer load counts than tables is an internal error naming both numbers', async () => {
    const store = serverStore({ counts: () => [] });
    await assert.rejects(ingestTables(store, [{ table: 'customers', files: [customers] }]), { message: 'the postgres store answered 0 load counts for 1 tables' });
  });
});

describe('timing', () => {
  test('rowsPerSecond is rows read over the seconds taken; a load timed at 0 s reports the rows read', async () => {
    await withStore(async (store) => {
      const timed = await ingestFiles(store, { table: 'offers', files: [offers] });
      assert.ok(timed.seconds > 0);
      assert.equal(timed.rowsPerSecond, 3 / timed.seconds);
      const now = mock.method(performance, 'now', () => 1000);
      try {
        const instant = await ingestFiles(store, { table: 'customers', files: [customers] });
        assert.deepEqual([instant.seconds, instant.rowsPerSecond], [0, 2]);
      } finally {
        now.mock.restore();
      }
    });
  });
});
