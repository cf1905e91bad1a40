/**
 * Each format opened as a text-typed row source and its SQL run on a real in-memory DuckDB over
 * small files written here: the rows, the line numbers, the mapping; file versions and the
 * "changed while loading" check; DuckDB reader errors turned into FILE_FORMAT naming file and line.
 */
import assert from 'node:assert/strict';
import { statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { memoryDuckDb, refusalOf as refusal, tempFolder, thrown as catching } from '../../test/ingest-fixtures.js';
import { CUSTOMERS, OFFERS } from '../core/schema.js';
import { checkUnchanged, fileVersion, openSource, readError } from './source-sql.js';

const { c, rows, values } = await memoryDuckDb({ utc: true });
const { dir, write: file } = tempFolder('source-sql');

const HINT = 'check that the file is complete and in the format its name says';

describe('openSource: CSV', () => {
  test('a semicolon header in its own order and spelling: rows in table column order, absent columns NULL, lines from 2', async () => {
    const path = file('o.csv', ['revenue;"Offer_ID";customer_id;offered_at;offer_type;offer_name', '5.5;o1;c1;2025-01-01;upsell;"Prem;ium"', ';o2;c2;2025-01-02;cross_sell;"say ""hi"""', ''].join('\n'));
    const s = await openSource(c, OFFERS, path, 'csv');
    assert.equal(s.file, path);
    assert.equal(s.format, 'csv');
    assert.equal(s.position, 'line');
    assert.equal(s.version, fileVersion(path));
    assert.deepEqual([...s.mapping.sourceName.entries()], [
      ['revenue', 'revenue'],
      ['offer_id', 'Offer_ID'],
      ['customer_id', 'customer_id'],
      ['offered_at', 'offered_at'],
      ['offer_type', 'offer_type'],
      ['offer_name', 'offer_name'],
    ]);
    const all = await rows(s.selectSql);
    assert.deepEqual(Object.keys(all[0] ?? {}), [
      'r_offer_id',
      'r_customer_id',
      'r_offered_at',
      'r_offer_type',
      'r_offer_name',
      'r_channel',
      'r_campaign',
      'r_accepted_at',
      'r_declined_at',
      'r_revenue',
    ]);
    assert.deepEqual(await values(s.selectSql), [
      ['o1', 'c1', '2025-01-01', 'upsell', 'Prem;ium', null, null, null, null, '5.5'],
      ['o2', 'c2', '2025-01-02', 'cross_sell', 'say "hi"', null, null, null, null, null],
    ]);
    assert.deepEqual(await values(`SELECT line, r_offer_id FROM (${s.numberedSql})`), [
      [2n, 'o1'],
      [3n, 'o2'],
    ]);
  });

  test('a comma CSV with a byte order mark and CRLF lines; every value stays text', async () => {
    const path = file('c.csv', '\uFEFFcustomer_id,engagement_score,mrr\r\nc1,055.50,1e2\r\nc2,,\r\n');
    const s = await openSource(c, CUSTOMERS, path, 'csv');
    assert.deepEqual(await values(`SELECT r_customer_id, r_engagement_score, r_mrr, r_plan FROM (${s.selectSql})`), [
      ['c1', '055.50', '1e2', null],
      ['c2', null, null, null],
    ]);
  });

  test('a tab-separated header', async () => {
    const path = file('c.tsv', 'customer_id\tplan\nc1\tpro, plus\n');
    const s = await openSource(c, CUSTOMERS, path, 'csv');
    assert.deepEqual(await values(`SELECT r_customer_id, r_plan FROM (${s.selectSql})`), [['c1', 'pro, plus']]);
  });

  test('a bad header is the BAD_HEADER of the mapping, at the file', async () => {
    const path = file('h.csv', 'customer_id,tier\nc1,gold\n');
    const e = await openSource(c, CUSTOMERS, path, 'csv').catch((x: unknown) => x);
    const r = refusal(e);
    assert.deepEqual([r['code'], r['message'], r['location']], ['BAD_HEADER', "unknown column 'tier' for table customers", path]);
  });

  test('a row with more cells than the header does not read', async () => {
    const path = file('ragged.csv', 'customer_id,plan\nc1,pro,extra\n');
    const s = await openSource(c, CUSTOMERS, path, 'csv');
    await assert.rejects(c.runAndReadAll(s.selectSql));
  });
});

describe('openSource: Parquet, NDJSON, JSON', () => {
  test('Parquet: typed values read as text; records numbered from 1', async () => {
    const path = join(dir, 'o.parquet');
    await c.run(`COPY (SELECT * FROM (VALUES ('p1', 'c9', TIMESTAMP '2025-04-01 12:00:00', 7.5::DECIMAL(10, 2)), ('p2', 'c8', TIMESTAMP '2025-04-02 00:00:00', NULL))
      AS t("Offer Id", customer_id, OFFERED_AT, revenue)) TO '${path}' (FORMAT parquet)`);
    const e = await openSource(c, OFFERS, path, 'parquet').catch((x: unknown) => x);
    assert.equal(refusal(e)['message'], "unknown column 'Offer Id'; missing required columns offer_id, offer_type, offer_name for table offers");

    const good = join(dir, 'good.parquet');
    await c.run(`COPY (SELECT * FROM (VALUES ('p1', 'c9', TIMESTAMP '2025-04-01 12:00:00', 'upsell', 'Premium', 7.5::DECIMAL(10, 2)), ('p2', 'c8', TIMESTAMP '2025-04-02 00:00:00', 'cross_sell', 'Seats', NULL))
      AS t(offer_id, customer_id, OFFERED_AT, offer_type, "Offer_Name", revenue)) TO '${good}' (FORMAT parquet)`);
    const s = await openSource(c, OFFERS, good, 'parquet');
    assert.deepEqual([s.format, s.position, s.file, s.version], ['parquet', 'record', good, fileVersion(good)]);
    assert.deepEqual(await values(s.selectSql), [
      ['p1', 'c9', '2025-04-01 12:00:00', 'upsell', 'Premium', null, null, null, null, '7.50'],
      ['p2', 'c8', '2025-04-02 00:00:00', 'cross_sell', 'Seats', null, null, null, null, null],
    ]);
    assert.deepEqual(await values(`SELECT line, r_offer_id FROM (${s.numberedSql})`), [
      [1n, 'p1'],
      [2n, 'p2'],
    ]);
  });

  test('NDJSON: names in any case, absent keys NULL, numbers as text; lines numbered from 1', async () => {
    const path = file('o.ndjson', [
      '{"OFFER_ID": "n1", "customer_id": "c1", "offered_at": "2025-02-01T00:00:00Z", "offer_type": "upsell", "offer_name": "Premium", "revenue": 10}',
      '{"OFFER_ID": "n2", "customer_id": "c2", "offered_at": "2025-02-02", "offer_type": "cross_sell", "offer_name": "Seats", "channel": null}',
    ].join('\n'));
    const s = await openSource(c, OFFERS, path, 'ndjson');
    assert.deepEqual([s.format, s.position], ['ndjson', 'line']);
    assert.equal(s.mapping.sourceName.get('offer_id'), 'OFFER_ID');
    assert.deepEqual(await values(s.selectSql), [
      ['n1', 'c1', '2025-02-01T00:00:00Z', 'upsell', 'Premium', null, null, null, null, '10'],
      ['n2', 'c2', '2025-02-02', 'cross_sell', 'Seats', null, null, null, null, null],
    ]);
    assert.deepEqual(await values(`SELECT line, r_offer_id FROM (${s.numberedSql})`), [
      [1n, 'n1'],
      [2n, 'n2'],
    ]);
  });

  test('a JSON array: records numbered from 1; a key needing quotes is read', async () => {
    const path = file('c.json', JSON.stringify([{ Customer_Id: 'j1', ' plan ': 'pro' }, { Customer_Id: 'j2', mrr: 5.25 }]));
    const s = await openSource(c, CUSTOMERS, path, 'json');
    assert.deepEqual([s.format, s.position], ['json', 'record']);
    assert.deepEqual(await values(`SELECT r_customer_id, r_plan, r_mrr FROM (${s.selectSql})`), [
      ['j1', 'pro', null],
      ['j2', null, '5.25'],
    ]);
    assert.deepEqual(await values(`SELECT line, r_customer_id FROM (${s.numberedSql})`), [
      [1n, 'j1'],
      [2n, 'j2'],
    ]);
  });

  test('JSON DuckDB cannot read is FILE_FORMAT naming the file', async () => {
    const path = file('broken.json', '[{"customer_id": "x", ');
    const r = refusal(await openSource(c, CUSTOMERS, path, 'json').catch((x: unknown) => x));
    assert.equal(r['code'], 'FILE_FORMAT');
    assert.equal(r['hint'], HINT);
    assert.ok(String(r['message']).startsWith(`cannot read ${path}: `), String(r['message']));
    assert.ok(String(r['location']).startsWith(path), String(r['location']));
  });

  test('NDJSON is one record a line: a record over two lines is FILE_FORMAT naming the file (a .json file may hold one)', async () => {
    const text = ['{"customer_id": "m1",', '"plan": "pro"}', '{"customer_id": "m2"}', ''].join('\n');
    const path = file('multi-line.ndjson', text);
    const r = refusal(await openSource(c, CUSTOMERS, path, 'ndjson').catch((x: unknown) => x));
    assert.deepEqual([r['code'], r['hint']], ['FILE_FORMAT', HINT]);
    assert.ok(String(r['message']).startsWith(`cannot read ${path}: `), String(r['message']));
    const json = await openSource(c, CUSTOMERS, file('multi-line.json', text), 'json');
    assert.deepEqual(await values(`SELECT r_customer_id, r_plan FROM (${json.selectSql})`), [
      ['m1', 'pro'],
      ['m2', null],
    ]);
  });

  test('a Parquet file that is not one is FILE_FORMAT naming the file', async () => {
    const path = file('fake.parquet', 'customer_id\nc1\n');
    const r = refusal(await openSource(c, CUSTOMERS, path, 'parquet').catch((x: unknown) => x));
    assert.deepEqual([r['code'], r['location'], r['hint']], ['FILE_FORMAT', path, HINT]);
    assert.ok(String(r['message']).startsWith(`cannot read ${path}: `), String(r['message']));
  });
});

describe('file versions', () => {
  test('size, modification, status change and inode, as node reports them', () => {
    const path = file('v.csv', 'abc\n');
    const s = statSync(path, { bigint: true });
    assert.equal(fileVersion(path), `4:${s.mtimeNs}:${s.ctimeNs}:${s.ino}`);
  });

  test('checkUnchanged passes the same file, refuses a rewritten or deleted one', () => {
    const a = file('a.csv', 'x\n');
    const b = file('b.csv', 'y\n');
    const versions = [a, b].map((f) => ({ file: f, version: fileVersion(f) }));
    assert.equal(checkUnchanged(versions), undefined);
    assert.equal(checkUnchanged([]), undefined);
    const changed = (f: string) => ({
      code: 'FILE_FORMAT',
      message: `the input changed while it was being loaded: ${f} was modified after its rows were checked`,
      location: f,
      hint: 'load a file that is not being written to (copy it first if another program writes it); nothing was stored',
    });
    writeFileSync(b, 'yy\n');
    assert.deepEqual(refusal(catching(() => checkUnchanged(versions))), changed(b));
    unlinkSync(a);
    assert.deepEqual(refusal(catching(() => checkUnchanged(versions))), changed(a));
    assert.deepEqual(refusal(catching(() => checkUnchanged([{ file: b, version: 'gone: x' }]))), changed(b));
  });
});

describe('readError', () => {
  test("DuckDB's own SQL and its fixes are cut; white space folds; the line becomes the location", () => {
    const e = readError('/d/o.csv', new Error('Invalid Input Error: CSV Error on Line: 3\nOriginal   Line: x,y\nPossible fixes:\n* set strict_mode=false'));
    assert.deepEqual(refusal(e), {
      code: 'FILE_FORMAT',
      message: 'cannot read /d/o.csv: Invalid Input Error: CSV Error on Line: 3 Original Line: x,y',
      location: '/d/o.csv:3',
      hint: HINT,
    });
    assert.ok(e.cause instanceof Error);
  });

  test('"LINE 1:" of the SQL is not a line of the file', () => {
    assert.deepEqual(refusal(readError('/d/o.csv', new Error('Parser Error: syntax error at or near "x"\n  LINE 1: SELECT x FROM read_csv(\'/d/o.csv\')'))), {
      code: 'FILE_FORMAT',
      message: 'cannot read /d/o.csv: Parser Error: syntax error at or near "x"',
      location: '/d/o.csv',
      hint: HINT,
    });
  });

  test('"LINE 12:" of longer SQL is cut too', () => {
    const sql = Array.from({ length: 12 }, (_, i) => `-- ${i + 1}`).join('\n');
    assert.equal(readError('/d/o.csv', new Error(`Binder Error: no such column\nLINE 12: SELECT x FROM t\n${sql}`)).message, 'cannot read /d/o.csv: Binder Error: no such column');
  });

  test('line 12 in any case; a thrown string; long messages cut at 400 characters', () => {
    assert.equal(readError('f.ndjson', new Error('Malformed JSON at line 12')).location, 'f.ndjson:12');
    assert.equal(readError('f.ndjson', new Error('bad LINE:4')).location, 'f.ndjson:4');
    assert.equal(readError('f.ndjson', new Error('lines 5')).location, 'f.ndjson');
    const s = readError('f.csv', 'plain text');
    assert.deepEqual([s.message, s.cause], ['cannot read f.csv: plain text', 'plain text']);
    assert.equal(readError('f.csv', new Error('y'.repeat(500))).message, `cannot read f.csv: ${'y'.repeat(400)}`);
  });
});
