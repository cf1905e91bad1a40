/**
 * The checking pass on a real in-memory DuckDB over small CSV files written here: row, bad-row and
 * key counts by hand, the good rows one per key (the last occurrence winning, across files too),
 * the store's limits as rules, the load log, and the admit view of the checked rows.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { memoryDuckDb, tempFolder } from '../../test/ingest-fixtures.js';
import { UprateError } from '../core/errors.js';
import { OFFERS } from '../core/schema.js';
import type { ValueLimit } from '../store/store.js';
import { allRowsSql, checkedRows, checkedSql, checkTable, loadLog, openTable, plainRowsSql, typedColumns } from './check-rows.js';
import type { IngestProgress } from './ingest-options.js';

const { c, values } = await memoryDuckDb({ utc: true });
const { writeOffers: file } = tempFolder('check-rows');

// a.csv: line 3 is bad (offer_type), o1 is on lines 2 and 4; b.csv: o3, then o1 again on line 3.
const a = file('a.csv', ['o1,c1,2025-01-01,upsell,A,,,,,1', 'o2,c1,2025-01-02,upgrade,B,,,,,2', 'o1,c1,2025-01-01,upsell,A2,email,,,,3']);
const b = file('b.csv', ['o3,c2,2025-01-03T10:00:00Z,cross_sell,C,,,,,', 'o1,c1,2025-01-01,upsell,A3,,,,,4']);
const clean = file('clean.csv', ['o1,c1,2025-01-01,upsell,A,,,,,1', 'o2,c2,2025-01-02T12:30:00+02:00,cross_sell,B,sales,spring,,,']);
const oneBad = file('one-bad.csv', ['o1,c1,2025-01-01,upsell,A,,,,,1', 'o2,c1,2025-01-02,upsell,B,,,,,-2', 'o3,c1,2025-01-03,upsell,C,,,,,']);

describe('checkTable', () => {
  test('counts rows, bad rows and good rows one per key; the last occurrence wins, a later file over an earlier', async () => {
    const heard: IngestProgress[] = [];
    const t = await checkTable(c, { table: 'offers', files: [a, b] }, ['csv', 'csv'], { onProgress: (p) => heard.push(p) });
    // 5 rows, 1 bad (o2); good keys o1 (3 times) and o3: 4 good rows, 2 repeated.
    assert.deepEqual([t.rowsRead, t.rejected, t.expected], [5, 1, 2]);
    assert.deepEqual(t.log, { source: `${a}, ${b}`, via: 'cli', rowsRead: 5, rejected: 1 });
    assert.deepEqual(heard[0], { table: 'offers', phase: 'checking', percent: 0 });
    assert.equal(t.spec, OFFERS);
    assert.deepEqual(t.sources.map((s) => s.file), [a, b]);
    assert.equal(t.rules.length, 25);
    assert.deepEqual(await values(`SELECT offer_id, offer_name, channel, revenue FROM (${t.rowsSql}) ORDER BY offer_id`), [
      ['o1', 'A3', null, 4],
      ['o3', 'C', null, null],
    ]);
  });

  test('within one file the later line wins', async () => {
    const t = await checkTable(c, { table: 'offers', files: [a] }, ['csv'], { via: 'http' });
    // 3 rows, 1 bad; good: o1 twice.
    assert.deepEqual([t.rowsRead, t.rejected, t.expected], [3, 1, 1]);
    assert.deepEqual(t.log, { source: a, via: 'http', rowsRead: 3, rejected: 1 });
    assert.deepEqual(await values(`SELECT offer_id, offer_name, channel, revenue FROM (${t.rowsSql})`), [['o1', 'A2', 'email', 3]]);
  });

  test('no bad row and no repeated key: the typed rows as they are, with no rule and no window', async () => {
    const t = await checkTable(c, { table: 'offers', files: [clean] }, ['csv'], {});
    assert.deepEqual([t.rowsRead, t.rejected, t.expected], [2, 0, 2]);
    assert.doesNotMatch(t.rowsSql, /\berr\b|row_number/);
    const rows = (await c.runAndReadAll(`SELECT * FROM (${t.rowsSql}) ORDER BY offer_id`)).getRowObjectsJS();
    assert.deepEqual(rows, [
      { offer_id: 'o1', customer_id: 'c1', offered_at: new Date('2025-01-01T00:00:00Z'), offer_type: 'upsell', offer_name: 'A', channel: null, campaign: null, accepted_at: null, declined_at: null, revenue: 1 },
      { offer_id: 'o2', customer_id: 'c2', offered_at: new Date('2025-01-02T10:30:00Z'), offer_type: 'cross_sell', offer_name: 'B', channel: 'sales', campaign: 'spring', accepted_at: null, declined_at: null, revenue: null },
    ]);
  });

  test('a bad row and no repeated key: the good rows through the rules, with no window', async () => {
    const t = await checkTable(c, { table: 'offers', files: [oneBad] }, ['csv'], {});
    assert.deepEqual([t.rowsRead, t.rejected, t.expected], [3, 1, 2]);
    assert.doesNotMatch(t.rowsSql, /row_number/);
    assert.deepEqual(await values(`SELECT offer_id, revenue FROM (${t.rowsSql}) ORDER BY offer_id`), [
      ['o1', 1],
      ['o3', null],
    ]);
  });

  test('a header-only file: nothing read', async () => {
    const t = await checkTable(c, { table: 'offers', files: [file('empty-rows.csv', [])] }, ['csv'], {});
    assert.deepEqual([t.rowsRead, t.rejected, t.expected], [0, 0, 0]);
    assert.deepEqual(await values(t.rowsSql), []);
  });

  test("the store's limits are rules like any other: a revenue over 100 is a bad row", async () => {
    const limit: ValueLimit = { column: 'revenue', rule: 'must be at most 100', refuses: (v) => `${v} > 100` };
    const path = file('limit.csv', ['o1,c1,2025-01-01,upsell,A,,,,,100', 'o2,c1,2025-01-01,upsell,A,,,,,100.01']);
    const t = await checkTable(c, { table: 'offers', files: [path] }, ['csv'], {}, [limit]);
    assert.deepEqual([t.rowsRead, t.rejected, t.expected], [2, 1, 1]);
    assert.deepEqual(t.rules.at(-1), { field: 'revenue', rule: 'must be at most 100', broken: `TRY_CAST(NULLIF(r_revenue, '') AS DECIMAL(18, 2)) > 100` });
    assert.deepEqual(await values(`SELECT r_offer_id, err FROM (${checkedSql(t, 0)}) ORDER BY r_offer_id`), [
      ['o1', 0n],
      ['o2', 2n ** 25n],
    ]);
  });

  test('maxFieldLength reaches the rules: 6 characters takes "abcdef", refuses "abcdefg"', async () => {
    const path = file('short.csv', ['o1,c1,2025-01-01,upsell,abcdef,,,,,', 'o2,c1,2025-01-01,upsell,abcdefg,,,,,']);
    const t = await checkTable(c, { table: 'offers', files: [path] }, ['csv'], { maxFieldLength: 6 });
    assert.deepEqual([t.rowsRead, t.rejected], [2, 1]);
    assert.deepEqual(await values(`SELECT offer_id FROM (${t.rowsSql})`), [['o1']]);
  });

  test('a file DuckDB cannot read while checking is FILE_FORMAT naming it', async () => {
    const path = file('ragged.csv', ['o1,c1,2025-01-01,upsell,A,,,,,', 'o2,c1']);
    const e = await checkTable(c, { table: 'offers', files: [path] }, ['csv'], {}).catch((x: unknown) => x);
    assert.ok(e instanceof UprateError, String(e));
    assert.equal(e.code, 'FILE_FORMAT');
    assert.ok(e.message.startsWith(`cannot read ${path}: `), e.message);
  });
});

describe('openTable and the SQL pieces', () => {
  test('openTable: the formats default to CSV; rules, sources and mask; an unknown limit column is an error', async () => {
    const t = await openTable(c, { table: 'offers', files: [a, b] }, [], {});
    assert.deepEqual(t.sources.map((s) => [s.file, s.format]), [
      [a, 'csv'],
      [b, 'csv'],
    ]);
    assert.equal(t.rules.length, 25);
    assert.match(t.rules[2]?.rule ?? '', /^must be at most 10000 characters/);
    const short = await openTable(c, { table: 'offers', files: [a] }, ['csv'], { maxFieldLength: 7 });
    assert.match(short.rules[2]?.rule ?? '', /^must be at most 7 characters/);
    const limit: ValueLimit = { column: 'nope', rule: 'x', refuses: () => 'TRUE' };
    await assert.rejects(openTable(c, { table: 'offers', files: [a] }, ['csv'], {}, [limit]), { message: 'offers has no column nope' });
  });

  test('checkedSql: file_index, the raw columns and err; numbered adds the line; an unknown index is an error', async () => {
    const t = await openTable(c, { table: 'offers', files: [a, b] }, ['csv', 'csv'], {});
    assert.deepEqual(await values(`SELECT file_index, r_offer_id, err FROM (${checkedSql(t, 0)})`), [
      [0, 'o1', 0n],
      [0, 'o2', 2048n], // offer_type one-of is rule 11
      [0, 'o1', 0n],
    ]);
    assert.deepEqual(await values(`SELECT file_index, line, r_offer_id, err FROM (${checkedSql(t, 1, true)})`), [
      [1, 2n, 'o3', 0n],
      [1, 3n, 'o1', 0n],
    ]);
    assert.throws(() => checkedSql(t, 2), { message: 'no source 2' });
    assert.deepEqual(await values(`SELECT file_index, count(*) AS n, sum(err) AS bad FROM (${allRowsSql(t)}) GROUP BY file_index ORDER BY file_index`), [
      [0, 3n, 2048n],
      [1, 2n, 0n],
    ]);
    assert.deepEqual(await values(`SELECT offer_id, offer_name FROM (${plainRowsSql(t)})`), [
      ['o1', 'A'],
      ['o2', 'B'],
      ['o1', 'A2'],
      ['o3', 'C'],
      ['o1', 'A3'],
    ]);
  });

  test('typedColumns: every column typed and named as the table', async () => {
    const raw = `SELECT 'o9' AS r_offer_id, 'c9' AS r_customer_id, '2025-05-06T07:08:09Z' AS r_offered_at, 'upsell' AS r_offer_type, 'N' AS r_offer_name,
      '' AS r_channel, NULL AS r_campaign, '2025-05-07' AS r_accepted_at, 'no' AS r_declined_at, '12.345' AS r_revenue`;
    const [row] = (await c.runAndReadAll(`SELECT ${typedColumns(OFFERS)} FROM (${raw})`)).getRowObjectsJS();
    assert.deepEqual(row, {
      offer_id: 'o9',
      customer_id: 'c9',
      offered_at: new Date('2025-05-06T07:08:09Z'),
      offer_type: 'upsell',
      offer_name: 'N',
      channel: null,
      campaign: null,
      accepted_at: new Date('2025-05-07T00:00:00Z'),
      declined_at: null,
      revenue: 12.35,
    });
  });

  test('loadLog: the files joined, cut at 1000 characters; via defaults to cli', () => {
    assert.deepEqual(loadLog({ table: 'offers', files: ['x.csv', 'y.csv'] }, {}, 7, 2), { source: 'x.csv, y.csv', via: 'cli', rowsRead: 7, rejected: 2 });
    const long = loadLog({ table: 'offers', files: ['a'.repeat(600), 'b'.repeat(600)] }, { via: 'demo' }, 0, 0);
    assert.deepEqual(long, { source: `${'a'.repeat(600)}, ${'b'.repeat(398)}`, via: 'demo', rowsRead: 0, rejected: 0 });
  });
});

describe('checkedRows', () => {
  test('distinct values of a column among the rows to write, as text, NULL kept; an unknown column is an error', async () => {
    const t = await checkTable(c, { table: 'offers', files: [a, b] }, ['csv', 'csv'], {});
    const rows = checkedRows(c, t);
    assert.deepEqual((await rows.distinct('customer_id')).sort(), ['c1', 'c2']);
    assert.deepEqual((await rows.distinct('revenue')).sort(), ['4.00', null]);
    assert.deepEqual(await rows.distinct('channel'), [null]);
    await assert.rejects(rows.distinct('nope'), { message: 'offers has no column nope' });
  });
});
