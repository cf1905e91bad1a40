import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { loadModel, type Model } from '../model/index.js';
import { allAccess, compileToSql } from '../query/index.js';
import { clickhouseDialect, duckdbDialect, postgresDialect, type Dialect } from './index.js';

// Which of a WHERE's conditions a joined table is read through (query-scope.ts narrowingOf):
// only those its rows alone decide and that an unmatched row never meets — and only where the
// dialect asks for it (ClickHouse 18.16 hashes the whole joined table before filtering).
let model: Model;
before(async () => {
  model = await loadModel('model');
});

const NARROWED = /LEFT JOIN \(SELECT \* FROM customers AS "customers" WHERE (.*)\) AS "customers" ON/;

function sqlOf(dialect: Dialect, filters: unknown[], extra: Record<string, unknown> = {}): string {
  const got = compileToSql(model, { measures: ['Offers.count'], dimensions: ['Customers.lifecycleStage'], filters, ...extra }, { now: new Date('2025-07-01T00:00:00Z'), access: allAccess('local'), dialect });
  assert.ok(!Array.isArray(got));
  const [sql] = (got as { sql: { sql: [string, unknown[]] } }).sql.sql;
  return sql;
}

test('ClickHouse reads the joined customers through an equality on their string members, and keeps it in the WHERE', () => {
  const sql = sqlOf(clickhouseDialect, [
    { member: 'Customers.accountSize', operator: 'equals', values: ['enterprise', 'smb'] },
    { member: 'Customers.engagementTier', operator: 'equals', values: ['high'] },
    { member: 'Offers.offerType', operator: 'equals', values: ['upsell'] },
  ]);
  const inner = NARROWED.exec(sql)?.[1] ?? '';
  assert.match(inner, /account_size\) IN \(\{p\d+:String\}, \{p\d+:String\}\)/, sql);
  assert.match(inner, /engagement_score/, 'a member computed from the cube\'s own columns');
  assert.doesNotMatch(inner, /offer_type/, "an offer's member stays outside");
  const where = sql.slice(sql.indexOf('\nWHERE'));
  assert.match(where, /account_size/, 'the WHERE still applies it (an unmatched offer must not count)');
});

test('conditions an unmatched row could meet, or that other rows decide, are not pushed', () => {
  const cases: { name: string; filters: unknown[]; extra?: Record<string, unknown> }[] = [
    { name: 'notEquals (keeps NULL)', filters: [{ member: 'Customers.accountSize', operator: 'notEquals', values: ['smb'] }] },
    { name: 'a number (an unmatched row reads 0 on ClickHouse)', filters: [{ member: 'Customers.engagementScore', operator: 'equals', values: ['0'] }] },
    { name: 'gt on a number', filters: [{ member: 'Customers.mrr', operator: 'gt', values: ['100'] }] },
    { name: 'the empty string', filters: [{ member: 'Customers.accountSize', operator: 'equals', values: [''] }] },
    { name: 'set', filters: [{ member: 'Customers.industry', operator: 'set' }] },
    { name: 'contains', filters: [{ member: 'Customers.industry', operator: 'contains', values: ['re'] }] },
    { name: 'inside an OR', filters: [{ or: [{ member: 'Customers.accountSize', operator: 'equals', values: ['smb'] }, { member: 'Offers.channel', operator: 'equals', values: ['email'] }] }] },
    { name: 'a segment of the joined cube', filters: [], extra: { segments: ['Customers.enterprise'] } },
  ];
  for (const c of cases) assert.doesNotMatch(sqlOf(clickhouseDialect, c.filters, c.extra), NARROWED, c.name);
});

test('DuckDB and PostgreSQL push filters into joins themselves: their SQL is unchanged', () => {
  for (const dialect of [duckdbDialect, postgresDialect]) {
    const sql = sqlOf(dialect, [{ member: 'Customers.accountSize', operator: 'equals', values: ['enterprise'] }]);
    assert.match(sql, /LEFT JOIN customers AS "customers" ON/, dialect.name);
  }
});
