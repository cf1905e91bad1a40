import assert from 'node:assert/strict';
import { test } from 'node:test';
import { periodColumn, periodsBetween, rowsColumn, timestampSql, widened } from './clustered.js';

test('the months laid out: every month from the first instant\'s to the last\'s, across years, in UTC', () => {
  assert.deepEqual(periodsBetween('2024-11-30T23:59:59.999Z', '2025-02-01T00:00:00.000Z'), ['2024-11-01T00:00:00.000Z', '2024-12-01T00:00:00.000Z', '2025-01-01T00:00:00.000Z', '2025-02-01T00:00:00.000Z']);
  assert.deepEqual(periodsBetween('2025-03-05T10:00:00.000Z', '2025-03-31T23:59:59.999Z'), ['2025-03-01T00:00:00.000Z']);
  assert.equal(periodsBetween('2000-01-01T00:00:00.000Z', '2009-12-31T00:00:00.000Z').length, 120);
});

test("a period's columns and a timestamp as both engines read it", () => {
  assert.equal(periodColumn('offers__count', 12), 'offers__count__12');
  assert.equal(rowsColumn(0), 'uprate_rows__0');
  assert.equal(timestampSql('2025-06-01T00:00:00.000Z'), "TIMESTAMP '2025-06-01 00:00:00.000'");
});

test('a layout widened to hold a load\'s months: unchanged inside it, every month up to a later one, none before its first', () => {
  const periods = ['2025-01-01T00:00:00.000Z', '2025-02-01T00:00:00.000Z'];
  assert.equal(widened(periods, [timestampSql('2025-02-01T00:00:00.000Z')]), periods);
  assert.deepEqual(widened(periods, [timestampSql('2025-01-01T00:00:00.000Z'), timestampSql('2025-04-01T00:00:00.000Z')]), [...periods, '2025-03-01T00:00:00.000Z', '2025-04-01T00:00:00.000Z']);
  assert.equal(widened(periods, [timestampSql('2024-12-01T00:00:00.000Z'), timestampSql('2025-04-01T00:00:00.000Z')]), null);
  assert.equal(widened([], [timestampSql('2025-01-01T00:00:00.000Z')]), null);
});
