/**
 * ingestTables on a real DuckDB store over small files written here: what is refused before a row
 * is read (exact messages and hints), the summaries in load order, the reject file named only when
 * rows went to it, progress at the end, the forced format, admit checks, a read-only store, and an
 * engine failure on one table left as it is.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { CUSTOMERS_HEADER as CUSTOMERS, OFFERS_HEADER as OFFERS, tempFolder } from '../../test/ingest-fixtures.js';
import { UprateError } from '../core/errors.js';
import { DuckDbStore } from '../store/index.js';
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
