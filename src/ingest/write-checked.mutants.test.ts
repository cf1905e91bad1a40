/**
 * Writing checked rows in a store's CSV format, and the one-pass check-and-write, on a real
 * in-memory DuckDB over small files written here: the files' exact content, one file or several,
 * header or not, extra COPY options; a bad row, a store limit or a bad header answering undefined;
 * the written keys read back to tell whether a key repeats.
 */
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { memoryDuckDb, OFFERS_HEADER as HEADER, readText as read, tempFolder } from '../../test/ingest-fixtures.js';
import { CUSTOMERS, OFFERS } from '../core/schema.js';
import type { BulkFileFormat } from '../store/store.js';
import type { IngestProgress } from './ingest-options.js';
import { checkAndWrite, defaultFileFormat, keysUnique, MIN_FILE_BYTES, writeInFormat, type WrittenTable } from './write-checked.js';

const { c } = await memoryDuckDb({ utc: true });
const { dir, writeOffers: file } = tempFolder('write-checked');

const ROWS = `SELECT * FROM (VALUES ('k1', 1.5, 'a,b'), ('k2', NULL, 'say "hi"')) AS t(id, v, s)`;
const two: BulkFileFormat = {
  columns: [
    { name: 'id', sql: 'id' },
    { name: 'twice', sql: 'v * 2' },
    { name: 's', sql: 's' },
  ],
  header: true,
};

async function setting(): Promise<unknown> {
  const [row] = (await c.runAndReadAll("SELECT current_setting('preserve_insertion_order') AS p")).getRowObjectsJS();
  return row?.['p'];
}

describe('defaultFileFormat', () => {
  test("the table's columns under their own names, with a header", () => {
    assert.deepEqual(defaultFileFormat(CUSTOMERS), {
      columns: ['customer_id', 'account_size', 'lifecycle_stage', 'engagement_score', 'industry', 'region', 'plan', 'mrr'].map((n) => ({ name: n, sql: n })),
      header: true,
    });
  });
});

describe('writeInFormat', () => {
  test('one file rows.csv in a folder it makes, with the header, quoting as RFC 4180', async () => {
    const out = join(dir, 'one', 'deeper');
    const written = await writeInFormat(c, ROWS, two, out);
    assert.deepEqual(written, { rows: 2, files: [join(out, 'rows.csv')] });
    assert.equal(read(join(out, 'rows.csv')), 'id,twice,s\nk1,3.0,"a,b"\nk2,,"say ""hi"""\n');
  });

  test('no header; extra COPY options come after the others', async () => {
    const out = join(dir, 'plain');
    const written = await writeInFormat(c, ROWS, { ...two, header: false, copyOptions: "NULLSTR '\\N'" }, out);
    assert.deepEqual(written, { rows: 2, files: [join(out, 'rows.csv')] });
    assert.equal(read(join(out, 'rows.csv')), 'k1,3.0,"a,b"\nk2,\\N,"say ""hi"""\n');
  });

  test('no rows: one file holding only the header', async () => {
    const out = join(dir, 'none');
    assert.deepEqual(await writeInFormat(c, `${ROWS} WHERE false`, two, out), { rows: 0, files: [join(out, 'rows.csv')] });
    assert.equal(read(join(out, 'rows.csv')), 'id,twice,s\n');
  });

  test('fileBytes: several files, each with its header, in the folder named (its parents made)', async () => {
    const out = join(dir, 'split', 'parts');
    const rows = 'SELECT range AS id, 1 AS v, 0123456789 AS s FROM range(5000)';
    const written = await writeInFormat(c, rows, { ...two, fileBytes: 1000.4 }, out);
    assert.equal(written.rows, 5000);
    assert.ok(written.files.length > 1, `${written.files.length} files`);
    let lines = 0;
    for (const f of written.files) {
      assert.ok(f.startsWith(`${out}/`), f);
      const text = read(f).split('\n');
      assert.equal(text[0], 'id,twice,s');
      lines += text.length - 2; // the header and the empty string after the last newline
    }
    assert.equal(lines, 5000);
    assert.equal(existsSync(join(out, 'rows.csv')), false);
  });

  test('a size no larger than the header still ends: files are at least MIN_FILE_BYTES', { timeout: 30_000 }, async () => {
    const out = join(dir, 'tiny', 'parts');
    // 5,000 rows of about 20 bytes (100 KB): DuckDB cuts files between chunks of rows, so a few files, not millions.
    const written = await writeInFormat(c, 'SELECT range AS id, 1 AS v, 0123456789 AS s FROM range(5000)', { ...two, fileBytes: 1 }, out);
    assert.equal(written.rows, 5000);
    assert.equal(MIN_FILE_BYTES, 1024);
    assert.ok(written.files.length >= 2 && written.files.length <= 100, `${written.files.length} files`);
  });
});

describe('checkAndWrite', () => {
  const good = file('good.csv', ['o1,c1,2025-01-01,upsell,A,,,,,1', 'o2,c1,2025-01-02T10:00:00+02:00,cross_sell,"B, b",email,,,,', 'o3,c2,2025-01-03,upsell,C,,,2025-01-04,,2.5']);

  test('files without a bad row are checked and written in one statement; the order setting is restored', async () => {
    const heard: IngestProgress[] = [];
    const out = join(dir, 'one-pass', 'offers');
    const format = defaultFileFormat(OFFERS);
    const w = await checkAndWrite(c, { table: 'offers', files: [good] }, ['csv'], { via: 'http', onProgress: (p) => heard.push(p) }, format, out);
    assert.ok(w);
    assert.equal(w.format, format);
    assert.deepEqual(w.written, { rows: 3, files: [join(out, 'rows.csv')] });
    assert.deepEqual([w.table.rowsRead, w.table.rejected, w.table.expected], [3, 0, 3]);
    assert.deepEqual(w.table.log, { source: good, via: 'http', rowsRead: 3, rejected: 0 });
    assert.deepEqual(heard[0], { table: 'offers', phase: 'checking', percent: 0 });
    const lines = read(join(out, 'rows.csv')).split('\n');
    assert.equal(lines[0], HEADER);
    assert.deepEqual(lines.slice(1).sort(), [
      '',
      'o1,c1,2025-01-01 00:00:00,upsell,A,,,,,1.00',
      'o2,c1,2025-01-02 08:00:00,cross_sell,"B, b",email,,,,',
      'o3,c2,2025-01-03 00:00:00,upsell,C,,,2025-01-04 00:00:00,,2.50',
    ]);
    const rows = (await c.runAndReadAll(`SELECT offer_id, offer_name, revenue FROM (${w.table.rowsSql}) ORDER BY offer_id`)).getRowObjectsJS();
    assert.deepEqual(rows.map((r) => Object.values(r)), [
      ['o1', 'A', 1],
      ['o2', 'B, b', null],
      ['o3', 'C', 2.5],
    ]);
    assert.equal(await setting(), true);
  });

  test('a bad row answers undefined (and restores the order setting)', async () => {
    const bad = file('bad.csv', ['o1,c1,2025-01-01,upsell,A,,,,,1', 'o2,c1,2025-01-02,upgrade,B,,,,,']);
    assert.equal(await checkAndWrite(c, { table: 'offers', files: [bad] }, ['csv'], {}, defaultFileFormat(OFFERS), join(dir, 'bad-out')), undefined);
    assert.equal(await setting(), true);
  });

  test("a value past the store's limit answers undefined; at the limit it is written", async () => {
    const format: BulkFileFormat = { ...defaultFileFormat(OFFERS), limits: [{ column: 'revenue', rule: 'must be at most 2', refuses: (v) => `${v} > 2` }] };
    assert.equal(await checkAndWrite(c, { table: 'offers', files: [good] }, ['csv'], {}, format, join(dir, 'limit-out')), undefined);
    const fits = file('fits.csv', ['o1,c1,2025-01-01,upsell,A,,,,,2']);
    const w = await checkAndWrite(c, { table: 'offers', files: [fits] }, ['csv'], {}, format, join(dir, 'fits-out'));
    assert.deepEqual(w?.written.rows, 1);
    assert.equal(w?.table.rules.at(-1)?.rule, 'must be at most 2');
  });

  test('a bad header answers undefined too', async () => {
    const path = join(dir, 'header.csv');
    writeFileSync(path, 'offer_id,nope\no1,x\n');
    assert.equal(await checkAndWrite(c, { table: 'offers', files: [path] }, ['csv'], {}, defaultFileFormat(OFFERS), join(dir, 'header-out')), undefined);
  });
});

describe('keysUnique', () => {
  async function written(name: string, lines: string[], format: BulkFileFormat = defaultFileFormat(OFFERS)): Promise<WrittenTable> {
    const w = await checkAndWrite(c, { table: 'offers', files: [file(`${name}.csv`, lines)] }, ['csv'], {}, format, join(dir, `${name}-out`));
    assert.ok(w, name);
    return w;
  }

  test('distinct keys: true; a repeated key: false', async () => {
    assert.equal(await keysUnique(c, await written('distinct', ['o1,c1,2025-01-01,upsell,A,,,,,', 'o2,c1,2025-01-01,upsell,A,,,,,'])), true);
    assert.equal(await keysUnique(c, await written('repeated', ['o1,c1,2025-01-01,upsell,A,,,,,', 'o2,c1,2025-01-01,upsell,A,,,,,', 'o1,c1,2025-01-01,upsell,B,,,,,'])), false);
  });

  test('files without a header, and a format naming the key by its own SQL', async () => {
    const format: BulkFileFormat = {
      columns: [
        { name: 'offer_name', sql: 'offer_name' },
        { name: 'offer_id', sql: "upper(offer_id) || ',x'" },
      ],
      header: false,
    };
    const w = await written('headerless', ['o1,c1,2025-01-01,upsell,"A, a",,,,,', 'o2,c1,2025-01-01,upsell,B,,,,,'], format);
    assert.equal(read(w.written.files[0] ?? ''), '"A, a","O1,x"\nB,"O2,x"\n');
    assert.equal(await keysUnique(c, w), true);
    const same = await written('headerless-same', ['o1,c1,2025-01-01,upsell,A,,,,,', 'O1,c1,2025-01-01,upsell,B,,,,,'], format);
    assert.equal(await keysUnique(c, same), false);
  });

  test('rows written to several files: the keys of every file are read back together', async () => {
    const format: BulkFileFormat = { ...defaultFileFormat(OFFERS), fileBytes: MIN_FILE_BYTES };
    // DuckDB cuts files between chunks of 2,048 rows: 5,000 rows make several.
    const rows = (last: string) => [...Array.from({ length: 5000 }, (_, i) => `k${i},c1,2025-01-01,upsell,A,,,,,`), `${last},c1,2025-01-01,upsell,B,,,,,`];
    const distinct = await written('split-distinct', rows('k5000'), format);
    assert.ok(distinct.written.files.length >= 2, `${distinct.written.files.length} files`);
    assert.equal(await keysUnique(c, distinct), true);
    const repeated = await written('split-repeated', rows('k0'), format);
    assert.ok(repeated.written.files.length >= 2);
    assert.equal(await keysUnique(c, repeated), false);
  });

  test('fewer than two rows are unique without reading anything', async () => {
    const w = await written('single', ['o1,c1,2025-01-01,upsell,A,,,,,']);
    assert.equal(await keysUnique(c, { ...w, written: { rows: 1, files: [join(dir, 'does-not-exist.csv')] } }), true);
    assert.equal(await keysUnique(c, { ...w, written: { rows: 0, files: [] } }), true);
  });

  test('rows that read back as another count are an error naming both', async () => {
    const w = await written('three', ['o1,c1,2025-01-01,upsell,A,,,,,', 'o2,c1,2025-01-01,upsell,A,,,,,', 'o3,c1,2025-01-01,upsell,A,,,,,']);
    await assert.rejects(keysUnique(c, { ...w, written: { ...w.written, rows: 5 } }), { message: 'the 5 offers rows written read back as 3' });
  });
});
