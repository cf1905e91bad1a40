import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DuckDbStore } from '../src/store/index.js';
import { uprate } from './cli-helpers.js';
import { loadFixture } from './fixture-data.js';

const dir = mkdtempSync(join(tmpdir(), 'uprate-query-'));
const db = join(dir, 'q.duckdb');
let expected: { size: string; n: number; a: number }[] = [];

before(async () => {
  const store = await DuckDbStore.open(db);
  await loadFixture(store);
  // Plain SQL on the same file: offers and in-window acceptances (judged as of 2025-07-15) per account size.
  expected = (
    await store.query(`SELECT c.account_size AS size, count(*) AS n,
        count(*) FILTER (WHERE o.accepted_at <= o.offered_at + INTERVAL 30 DAY AND o.accepted_at <= TIMESTAMP '2025-07-15') AS a
      FROM offers o LEFT JOIN customers c USING (customer_id) GROUP BY 1 ORDER BY 1`)
  ).map((r) => ({ size: String(r['size']), n: Number(r['n']), a: Number(r['a']) }));
  await store.close();
});
after(() => rmSync(dir, { recursive: true, force: true }));

const QUERY = JSON.stringify({ measures: ['Offers.count', 'Offers.accepted'], dimensions: ['Customers.accountSize'], order: { 'Customers.accountSize': 'asc' } });

describe('uprate query and uprate model validate', () => {
  test('query answers a Cube query from the file in JSON, CSV and table form', () => {
    const json = uprate(['query', '--db', db, '--as-of', '2025-07-15', QUERY]);
    assert.equal(json.code, 0, json.stderr);
    const data = (JSON.parse(json.stdout) as { data: Record<string, string>[] }).data;
    assert.deepEqual(
      data.map((r) => ({ size: r['Customers.accountSize'], n: Number(r['Offers.count']), a: Number(r['Offers.accepted']) })),
      expected,
    );
    const file = join(dir, 'q.json');
    writeFileSync(file, QUERY);
    const csv = uprate(['query', '--db', db, '--as-of', '2025-07-15', '--format', 'csv', `@${file}`]);
    assert.equal(csv.code, 0, csv.stderr);
    assert.deepEqual(csv.stdout.trim().split('\n'), ['Customers.accountSize,Offers.count,Offers.accepted', ...expected.map((e) => `${e.size},${e.n},${e.a}`)]);
    const table = uprate(['query', '--db', db, '--as-of', '2025-07-15', '--format', 'table', QUERY]);
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, new RegExp(`enterprise\\s+${expected.find((e) => e.size === 'enterprise')?.n}`));
  });

  test('query --sql prints bound SQL without running it', () => {
    const r = uprate(['query', '--sql', '--as-of', '2025-07-15', JSON.stringify({ measures: ['Offers.count'], filters: [{ member: 'Offers.channel', operator: 'equals', values: ['email'] }] })]);
    assert.equal(r.code, 0, r.stderr);
    const body = JSON.parse(r.stdout) as { sql: { sql: [string, unknown[]] } };
    assert.ok(!body.sql.sql[0].includes("'email'"), 'the value is a parameter');
    assert.deepEqual(body.sql.sql[1], ['email']);
  });

  test('bad queries exit 1 naming what is wrong', () => {
    const notJson = uprate(['query', '--db', db, '{measures']);
    assert.equal(notJson.code, 1);
    assert.match(notJson.stderr, /query argument is not JSON/);
    const unknown = uprate(['query', '--db', db, JSON.stringify({ measures: ['Offers.nope'] })]);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /Offers\.nope/);
    const missing = uprate(['query', '--db', db, '@/no/such/query.json']);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /does not exist/);
  });

  test('model validate accepts the shipped model and rejects the seed with the ratio-of-sums fix', () => {
    const ok = uprate(['model', 'validate']);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /valid \(0 errors/);
    const seed = uprate(['model', 'validate', 'test/fixtures/models/seed']);
    assert.equal(seed.code, 1);
    assert.match(seed.stderr, /upsell_offers\.js:\d+ UpsellOffers\.upsellConversionRate: error/);
    assert.match(seed.stderr, /fix: .*\$\{successfulUpsells\} \* 1\.0 \/ NULLIF\(\$\{totalUpsellOffers\}, 0\)/);
    const none = uprate(['model', 'validate', join(dir, 'no-model')]);
    assert.equal(none.code, 1);
    assert.match(none.stderr, /does not exist/);
  });

  test('serve --strict refuses to start on a bad model', () => {
    const r = uprate(['serve', '--strict', '--dev', '--port', '0', '--db', join(dir, 'serve.duckdb'), '--model', 'test/fixtures/models/seed']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /UpsellOffers\.upsellConversionRate/);
  });
});
