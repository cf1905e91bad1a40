/**
 * The reject file, written by a real in-memory DuckDB from tables checked over small files
 * written here, compared whole with the CSV expected by hand: `file,line`, the columns as the
 * files spelled them, `reasons`; the columns of every bad table; table by table, then file, line.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { CUSTOMERS_HEADER as CUSTOMERS, csvTables, ISO_RULE as ISO, memoryDuckDb, OFFERS_HEADER as OFFERS, readText as read, tempFolder } from '../../test/ingest-fixtures.js';
import { UprateError } from '../core/errors.js';
import { writeRejects } from './reject-file.js';

const { c } = await memoryDuckDb();
const { dir, writeLines: file } = tempFolder('reject-file');
const { offers, customers } = csvTables(c);

// zOffers sorts after bOffers by name though it is given first.
const zOffers = file('z-offers.csv', [OFFERS, 'o1,c1,2025-01-01,upsell,A,,,,,1', 'o2,,2025-01-02,upgrade,B,,,,,-5', 'o3,c1,2025-01-03,upsell,C,,,,,', 'o4,c1,2025-02-30,upsell,D,,,,,']);
const bOffers = file('b-offers.csv', [OFFERS, 'o5,c2,2025-01-01,upsell,"x, y",,,,,-1']);
const badCustomers = file('customers-bad.csv', [CUSTOMERS, 'c1,huge,,,,,,', 'c2,,,50,,,,', 'c3,,,101,,,,']);
const goodCustomers = file('customers-good.csv', [CUSTOMERS, 'c9,smb,,,,,,']);

test('one table: its bad rows by file then line, values as spelled, every broken rule in the reasons', async () => {
  const path = join(dir, 'rejects-offers.csv');
  await writeRejects(c, [await offers([zOffers, bOffers])], path);
  assert.equal(
    read(path),
    [
      'file,line,offer_id,customer_id,offered_at,offer_type,offer_name,channel,campaign,accepted_at,declined_at,revenue,reasons',
      `${bOffers},2,o5,c2,2025-01-01,upsell,"x, y",,,,,-1,revenue must be 0 or more`,
      `${zOffers},3,o2,,2025-01-02,upgrade,B,,,,,-5,"customer_id is required; offer_type must be one of upsell, cross_sell; revenue must be 0 or more"`,
      `${zOffers},5,o4,c1,2025-02-30,upsell,D,,,,,,offered_at ${ISO}`,
      '',
    ].join('\n'),
  );
});

test('a good table beside a bad one adds neither rows nor columns', async () => {
  const path = join(dir, 'rejects-customers.csv');
  await writeRejects(c, [await customers([goodCustomers]), await offers([bOffers])], path);
  assert.equal(
    read(path),
    [
      'file,line,offer_id,customer_id,offered_at,offer_type,offer_name,channel,campaign,accepted_at,declined_at,revenue,reasons',
      `${bOffers},2,o5,c2,2025-01-01,upsell,"x, y",,,,,-1,revenue must be 0 or more`,
      '',
    ].join('\n'),
  );
});

test("two bad tables: customers' columns, then the offers' others; customers' rows first, the other table's columns empty", async () => {
  const path = join(dir, 'rejects-both.csv');
  await writeRejects(c, [await customers([badCustomers]), await offers([bOffers])], path);
  assert.equal(
    read(path),
    [
      'file,line,customer_id,account_size,lifecycle_stage,engagement_score,industry,region,plan,mrr,offer_id,offered_at,offer_type,offer_name,channel,campaign,accepted_at,declined_at,revenue,reasons',
      `${badCustomers},2,c1,huge,,,,,,,,,,,,,,,,"account_size must be one of smb, mid_market, enterprise"`,
      `${badCustomers},4,c3,,,101,,,,,,,,,,,,,,engagement_score must be between 0 and 100`,
      `${bOffers},2,c2,,,,,,,,o5,2025-01-01,upsell,"x, y",,,,,-1,revenue must be 0 or more`,
      '',
    ].join('\n'),
  );
});

test('no bad row: no file is written', async () => {
  const path = join(dir, 'rejects-none.csv');
  await writeRejects(c, [await customers([goodCustomers])], path);
  await writeRejects(c, [], path);
  assert.equal(existsSync(path), false);
});

test('a reject file that cannot be written is a BAD_ARGUMENT at its path', async () => {
  const path = join(dir, 'no-such-folder', 'rejects.csv');
  const t = await offers([bOffers]);
  const e = await writeRejects(c, [t], path).then(
    () => assert.fail('expected an error'),
    (x: unknown) => x,
  );
  assert.ok(e instanceof UprateError, String(e));
  assert.deepEqual([e.code, e.location], ['BAD_ARGUMENT', path]);
  assert.ok(e.message.startsWith(`cannot write the reject file ${path}: `), e.message);
  assert.ok(e.cause instanceof Error);
  assert.ok(e.message.length > `cannot write the reject file ${path}: `.length);
});
