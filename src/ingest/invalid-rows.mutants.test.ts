/**
 * The INVALID_ROWS error of a load with bad rows, from tables checked on a real in-memory DuckDB
 * over small files written here: each broken rule by file:line (or #record), field, value and rule,
 * in line order; the cut at `max`; the "… N bad rows in all" line; the good files not loaded
 * either; the hint for the CLI and for HTTP; over-long values shortened.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CUSTOMERS_HEADER as CUSTOMERS, csvTables, ISO_RULE as ISO, memoryDuckDb, OFFERS_HEADER as OFFERS, tempFolder } from '../../test/ingest-fixtures.js';
import { checkTable, type CheckedTable } from './check-rows.js';
import type { RowError } from './ingest-options.js';
import { invalidRows } from './invalid-rows.js';

const { c } = await memoryDuckDb({ utc: true });
const { write: file } = tempFolder('invalid-rows');

const CLI_HINT = 'correct those rows, or pass --reject-file PATH to load the good rows and set the bad ones aside';
const HTTP_HINT = 'correct those rows and run the command again (or stop the server and load the file with --reject-file PATH to set the bad rows aside)';

// Line 3 breaks three rules (customer_id empty, offer_type, revenue), line 5 one (offered_at).
const bad = file('bad.csv', `${OFFERS}\no1,c1,2025-01-01,upsell,A,,,,,1\no2,,2025-01-02,upgrade,B,,,,,-5\no3,c1,2025-01-03,upsell,C,,,,,\no4,c1,2025-02-30,upsell,D,,,,,\n`);
const goodCustomers = file('customers.csv', `${CUSTOMERS}\nc1,smb,,,,,,\n`);
const goodCustomers2 = file('customers2.csv', `${CUSTOMERS}\nc2,,,,,,,\n`);
// Line 2 has an engagement score past 100.
const badCustomers = file('customers-bad.csv', `${CUSTOMERS}\nc3,,,101,,,,\nc4,,,100,,,,\n`);

const { offers, customers } = csvTables(c);

const ALL_ERRORS: RowError[] = [
  { file: bad, location: `${bad}:3`, line: 3, field: 'customer_id', value: null, rule: 'is required' },
  { file: bad, location: `${bad}:3`, line: 3, field: 'offer_type', value: 'upgrade', rule: 'must be one of upsell, cross_sell' },
  { file: bad, location: `${bad}:3`, line: 3, field: 'revenue', value: '-5', rule: 'must be 0 or more' },
  { file: bad, location: `${bad}:5`, line: 5, field: 'offered_at', value: '2025-02-30', rule: ISO },
];

async function described(tables: CheckedTable[], max: number, via?: string) {
  const e = await invalidRows(c, tables, max, via);
  return { code: e.code, message: e.message, hint: e.hint, location: e.location, details: e.details };
}

describe('invalidRows', () => {
  test('every broken rule of every bad row, in line order, with the counts', async () => {
    assert.deepEqual(await described([await offers([bad])], 20), {
      code: 'INVALID_ROWS',
      message: [
        '2 of 4 offers rows break the data model rules; nothing was loaded',
        `  ${bad}:3  customer_id=(empty)  is required`,
        `  ${bad}:3  offer_type="upgrade"  must be one of upsell, cross_sell`,
        `  ${bad}:3  revenue="-5"  must be 0 or more`,
        `  ${bad}:5  offered_at="2025-02-30"  ${ISO}`,
      ].join('\n'),
      hint: CLI_HINT,
      location: undefined,
      details: { rejected: 2, rowsRead: 4, errors: ALL_ERRORS, tables: [{ table: 'offers', rejected: 2, rowsRead: 4 }] },
    });
  });

  test('over HTTP the hint says how to fix the rows there; via cli is the CLI hint', async () => {
    const t = await offers([bad]);
    assert.equal((await described([t], 20, 'http')).hint, HTTP_HINT);
    assert.equal((await described([t], 20, 'cli')).hint, CLI_HINT);
  });

  test('max cuts the errors shown; the rows not all shown are counted', async () => {
    const t = await offers([bad]);
    const two = await described([t], 2);
    assert.equal(
      two.message,
      ['2 of 4 offers rows break the data model rules; nothing was loaded', `  ${bad}:3  customer_id=(empty)  is required`, `  ${bad}:3  offer_type="upgrade"  must be one of upsell, cross_sell`, '  … 2 bad rows in all'].join('\n'),
    );
    assert.deepEqual((two.details as { errors: RowError[] }).errors, ALL_ERRORS.slice(0, 2));
    const four = await described([t], 4);
    assert.deepEqual((four.details as { errors: RowError[] }).errors, ALL_ERRORS);
    assert.doesNotMatch(four.message, /bad rows in all/);
    const none = await described([t], 0);
    assert.equal(none.message, '2 of 4 offers rows break the data model rules; nothing was loaded\n\n  … 2 bad rows in all');
    assert.deepEqual((none.details as { errors: RowError[] }).errors, []);
  });

  test('with max 1 over two bad files, only the first file is described', async () => {
    const second = file('bad2.csv', `${OFFERS}\nx1,c1,2025-01-01,upsell,A,,,,,-1\n`);
    const t = await offers([bad, second]);
    const one = await described([t], 1);
    assert.equal(one.message, ['3 of 5 offers rows break the data model rules; nothing was loaded', `  ${bad}:3  customer_id=(empty)  is required`, '  … 3 bad rows in all'].join('\n'));
    const all = await described([t], 20);
    assert.deepEqual((all.details as { errors: RowError[] }).errors, [
      ...ALL_ERRORS,
      { file: second, location: `${second}:2`, line: 2, field: 'revenue', value: '-1', rule: 'must be 0 or more' },
    ]);
  });

  test('a good table checked beside a bad one is named as not loaded either', async () => {
    const e = await described([await customers([goodCustomers]), await offers([bad])], 1);
    assert.equal(
      e.message,
      [`2 of 4 offers rows break the data model rules; nothing was loaded (${goodCustomers} was checked and is not loaded either)`, `  ${bad}:3  customer_id=(empty)  is required`, '  … 2 bad rows in all'].join('\n'),
    );
    assert.deepEqual((e.details as { tables: unknown }).tables, [{ table: 'offers', rejected: 2, rowsRead: 4 }]);
    const two = await described([await customers([goodCustomers, goodCustomers2]), await offers([bad])], 1);
    assert.match(two.message, new RegExp(`^2 of 4 offers rows break the data model rules; nothing was loaded \\(${goodCustomers} and ${goodCustomers2} were checked and are not loaded either\\)\n`));
  });

  test('two bad tables: both counted, max shared across them', async () => {
    const e = await described([await customers([badCustomers]), await offers([bad])], 2);
    assert.deepEqual(e, {
      code: 'INVALID_ROWS',
      message: [
        `1 of 2 customers rows and 2 of 4 offers rows break the data model rules; nothing was loaded`,
        `  ${badCustomers}:2  engagement_score="101"  must be between 0 and 100`,
        `  ${bad}:3  customer_id=(empty)  is required`,
        '  … 3 bad rows in all',
      ].join('\n'),
      hint: CLI_HINT,
      location: undefined,
      details: {
        rejected: 3,
        rowsRead: 6,
        errors: [{ file: badCustomers, location: `${badCustomers}:2`, line: 2, field: 'engagement_score', value: '101', rule: 'must be between 0 and 100' }, ALL_ERRORS[0]],
        tables: [
          { table: 'customers', rejected: 1, rowsRead: 2 },
          { table: 'offers', rejected: 2, rowsRead: 4 },
        ],
      },
    });
  });

  test('a JSON array names records with #', async () => {
    const json = file('bad.json', JSON.stringify([{ customer_id: 'j1' }, { customer_id: 'j2', mrr: -1 }]));
    const t = await checkTable(c, { table: 'customers', files: [json] }, ['json'], {});
    const e = await described([t], 20);
    assert.equal(e.message, `1 of 2 customers rows break the data model rules; nothing was loaded\n  ${json}#2  mrr="-1"  must be 0 or more`);
  });

  test('values up to 200 characters are shown whole; longer ones cut to 100 and …, never inside a surrogate pair', async () => {
    const at200 = 'u'.repeat(200);
    const at201 = 'v'.repeat(201);
    const pair = `${'w'.repeat(99)}😀${'w'.repeat(150)}`; // the 100th UTF-16 unit is the first half of 😀
    const path = file('long.csv', `${OFFERS}\nl1,c1,2025-01-01,${at200},A,,,,,\nl2,c1,2025-01-01,${at201},A,,,,,\nl3,c1,2025-01-01,${pair},A,,,,,\n`);
    const e = await described([await offers([path])], 20);
    assert.deepEqual(
      (e.details as { errors: RowError[] }).errors.map((x) => x.value),
      [at200, `${'v'.repeat(100)}…`, `${'w'.repeat(99)}…`],
    );
    assert.ok(e.message.includes(`  ${path}:3  offer_type="${'v'.repeat(100)}…"  must be one of upsell, cross_sell`), e.message);
  });

  test('the next table is asked only for what max leaves: its further bad rows are counted, not described', async () => {
    // Each bad offers row breaks one rule: customers' 1 error leaves 1 of max 2 for offers, whose
    // second bad row (line 3) is then only counted: 3 bad rows, 2 described.
    const oneRuleEach = file('one-rule-each.csv', `${OFFERS}\nq1,c1,2025-01-01,upgrade,A,,,,,\nq2,c1,2025-01-01,upsell,A,,,,,-1\n`);
    const e = await described([await customers([badCustomers]), await offers([oneRuleEach])], 2);
    assert.equal(
      e.message,
      [
        '1 of 2 customers rows and 2 of 2 offers rows break the data model rules; nothing was loaded',
        `  ${badCustomers}:2  engagement_score="101"  must be between 0 and 100`,
        `  ${oneRuleEach}:2  offer_type="upgrade"  must be one of upsell, cross_sell`,
        '  … 3 bad rows in all',
      ].join('\n'),
    );
  });

  test('a surrogate pair early in a long value is kept whole: only a half at the cut is dropped', async () => {
    const early = `😀${'x'.repeat(250)}`; // 😀 is units 0–1; the cut at 100 falls between two x
    const path = file('early-pair.csv', `${OFFERS}\np1,c1,2025-01-01,${early},A,,,,,\n`);
    const e = await described([await offers([path])], 20);
    assert.deepEqual((e.details as { errors: RowError[] }).errors.map((x) => x.value), [`😀${'x'.repeat(98)}…`]);
  });
});
