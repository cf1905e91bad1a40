import assert from 'node:assert/strict';
import { test } from 'node:test';
import { reading } from './clickhouse-snapshot.js';

// The rollups' statements read a copy of the rows (snapshotRows) where they read its tables, and nothing else moves.
const SNAPSHOT = { database: 'db_snapshot_7', tables: ['offers', 'customers'] };

test('a rollup statement reads the copies after FROM and JOIN, each under the name its alias resolves through', () => {
  const sql = 'SELECT "offers".x FROM offers AS "offers"\nLEFT JOIN customers AS "customers" ON "offers".customer_id = "customers".customer_id';
  assert.equal(
    reading(SNAPSHOT, sql),
    'SELECT "offers".x FROM `db_snapshot_7`.offers AS "offers"\nLEFT JOIN `db_snapshot_7`.customers AS "customers" ON "offers".customer_id = "customers".customer_id',
  );
});

test("the layout's read of the time table's bounds reads the copy too", () => {
  assert.equal(reading(SNAPSHOT, 'SELECT min("offered_at") AS first FROM "offers"'), 'SELECT min("offered_at") AS first FROM `db_snapshot_7`.offers');
});

test('other tables, longer names and statements without a copy are left alone', () => {
  const sql = 'SELECT * FROM offers_rows AS o JOIN plans AS p ON 1 = 1 WHERE x IN (SELECT y FROM "offers_extra")';
  assert.equal(reading(SNAPSHOT, sql), sql);
  assert.equal(reading({ database: null, tables: [] }, 'SELECT * FROM offers AS "offers"'), 'SELECT * FROM offers AS "offers"');
  assert.equal(reading(undefined, 'SELECT * FROM offers AS "offers"'), 'SELECT * FROM offers AS "offers"');
});
